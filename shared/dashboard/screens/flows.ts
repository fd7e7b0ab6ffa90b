import { html } from 'htm/preact';

export function FlowList() {
  return html`<h1>Flows</h1>`;
}
export function FlowScreen({ id }: { id: string }) {
  return html`<h1>Flow ${id}</h1>`;
}
