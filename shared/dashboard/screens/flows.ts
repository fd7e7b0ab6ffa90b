import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, enc, type Flow, type Integration, type Page } from '../api';
import { useTemplates } from '../catalog';
import { emptyFlow, flowBody, FlowFields, type FlowDraft } from '../flow-form';
import { ErrorBox, Link, Loading, navigate, Status, Time, useAction, useGet } from '../ui';

const names = (integrations: Integration[] | undefined) => new Map((integrations ?? []).map((i) => [i.id, i.name]));

export function FlowList() {
  const flows = useGet<Page<'flows', Flow>>('/api/flows?limit=200');
  const integrations = useGet<Page<'integrations', Integration>>('/api/integrations?limit=200');
  const n = names(integrations.data?.integrations);
  return html`
    <div class="head"><h1>Flows</h1><${Link} href="/flows/new" class="button">New flow</${Link}></div>
    <p class="muted">A flow maps the records one integration synced into another system (seed 003).</p>
    <${ErrorBox} error=${flows.error} />
    ${!flows.data && !flows.error ? html`<${Loading} what="flows" />` : null}
    ${flows.data
      ? flows.data.flows.length === 0
        ? html`<p>No flows yet. <${Link} href="/flows/new">Create one</${Link}>.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>Name</th><th>Status</th><th>From</th><th>To</th><th>Trigger</th><th>Last run</th><th>Next run</th></tr></thead>
          <tbody>${flows.data.flows.map((f) => html`<tr>
            <td><${Link} href=${`/flows/${enc(f.id)}`}>${f.name}</${Link}>${f.errorMessage ? html`<div class="small err-text">${f.errorMessage}</div>` : null}</td>
            <td><${Status} status=${f.status} /></td>
            <td>${n.get(f.source.integrationId) ?? f.source.integrationId} · ${f.source.dataType}</td>
            <td>${f.target ? `${n.get(f.target.integrationId) ?? f.target.integrationId} · ${f.target.object ?? f.target.path ?? ''}` : ''}${f.actions?.length ? ` ${f.actions.length} action${f.actions.length > 1 ? 's' : ''}` : ''}</td>
            <td>${f.trigger}${f.trigger === 'schedule' ? ` every ${f.schedule} min` : ''}</td>
            <td><${Time} iso=${f.lastRunAt} /></td><td><${Time} iso=${f.nextRunAt} /></td>
          </tr>`)}</tbody>
        </table></div>`
      : null}`;
}

export function NewFlow() {
  const integrations = useGet<Page<'integrations', Integration>>('/api/integrations?limit=200');
  const { templates } = useTemplates();
  const [draft, setDraft] = useState<FlowDraft>(emptyFlow);
  const create = useAction(async () => {
    const { body } = await call<Flow>('POST', '/api/flows', { body: flowBody(draft) });
    navigate(`/flows/${enc(body.id)}`);
  });
  if (integrations.error) return html`<h1>New flow</h1><${ErrorBox} error=${integrations.error} />`;
  if (!integrations.data || !templates) return html`<h1>New flow</h1><${Loading} />`;
  return html`
    <h1>New flow</h1>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void create.run())}>
      <${FlowFields} draft=${draft} set=${setDraft} integrations=${integrations.data.integrations} templates=${templates} />
      <div class="actions"><button type="submit" disabled=${create.pending}>Create flow</button></div>
    </form>
    <${ErrorBox} error=${create.error} />
    <p class="hint">After creating it, preview the mapping on real source records with a dry run before the first real run.</p>`;
}
