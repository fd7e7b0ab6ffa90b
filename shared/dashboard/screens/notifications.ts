import { html } from 'htm/preact';

export function Notifications() {
  return html`<h1>Notifications</h1>`;
}
