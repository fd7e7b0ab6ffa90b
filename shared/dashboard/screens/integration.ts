import { html } from 'htm/preact';
import { enc, type Integration } from '../api';
import { ErrorBox, Loading, Status, Time, useGet } from '../ui';

export function IntegrationScreen({ id }: { id: string; tab: string; runId?: string }) {
  const i = useGet<Integration>(`/api/integrations/${enc(id)}`);
  if (i.error) return html`<${ErrorBox} error=${i.error} />`;
  if (!i.data) return html`<${Loading} />`;
  return html`<h1>${i.data.name}</h1><p><${Status} status=${i.data.status} /> last sync <${Time} iso=${i.data.lastSync} /></p>`;
}
