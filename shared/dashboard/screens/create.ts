import { html } from 'htm/preact';

export function CreateWizard() {
  return html`<h1>New integration</h1>`;
}
