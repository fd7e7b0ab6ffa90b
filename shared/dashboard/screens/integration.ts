import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { call, enc, type Integration, type Page, type Run } from '../api';
import { useTemplates } from '../catalog';
import { Confirm, ErrorBox, Link, Loading, navigate, Status, Time, useAction, useGet } from '../ui';
import { EditIntegration } from './edit';
import { RunDetail, RunList, RunTable } from './runs';
import { DataBrowser } from './data';
import { Upload } from './upload';
import { Metrics } from './metrics';
import { Webhooks } from './webhooks';

/** What an operator can do about an integration's last error, read from the connector's message. */
export function adviceFor(message: string): string {
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden|invalid[_ ](token|key|credential|grant|client)|expired|credential/i.test(message))
    return 'The vendor refused the credentials. Open Settings, enter a fresh token or key (the stored one shows as ***), save, then Test connection.';
  if (/\b429\b|rate.?limit|too many requests|quota|budget/i.test(message)) return 'The vendor is rate limiting. The next run continues where this one stopped; lower the sync frequency if it keeps happening.';
  if (/ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|timed? ?out|unreachable|socket/i.test(message))
    return 'Switchboard could not reach the vendor. Check the base URL or host in Settings and that the service is up, then Test connection.';
  if (/private|loopback|link-local|not allowed to reach|internal address/i.test(message)) return 'That address is internal and Switchboard refuses to call it. Use the service’s public address.';
  if (/\b404\b|not found/i.test(message)) return 'The vendor says the resource does not exist. Check the paths and object names in Settings.';
  if (/pars|invalid json|unexpected|schema|expected/i.test(message)) return 'The vendor answered in a shape Switchboard did not expect. Check the record paths in Settings, or the vendor’s status page.';
  return 'Fix the cause, then Sync now: a successful run puts the integration back to active.';
}

const TABS = [
  ['summary', 'Summary'],
  ['runs', 'Runs'],
  ['data', 'Data'],
  ['upload', 'Upload'],
  ['metrics', 'Metrics'],
  ['webhooks', 'Webhooks'],
  ['edit', 'Settings'],
] as const;

export function IntegrationScreen({ id, tab, runId }: { id: string; tab: string; runId?: string }) {
  const i = useGet<Integration>(`/api/integrations/${enc(id)}`);
  const { templates } = useTemplates();
  if (i.error) return html`<h1>Integration</h1><${ErrorBox} error=${i.error} />`;
  if (!i.data) return html`<${Loading} what="integration" />`;
  const it = i.data;
  const template = templates?.find((t) => t.type === it.type);
  const hasWebhooks = Boolean(it.webhook) || it.type === 'custom_api';
  // A file integration's records arrive by upload: an Upload tab, and nothing to sync.
  const imported = Boolean(template?.imported);
  const base = `/integrations/${enc(id)}`;
  let body: unknown;
  if (tab === 'summary') body = html`<${Summary} i=${it} reload=${i.reload} imported=${imported} />`;
  else if (tab === 'runs') body = runId ? html`<${RunDetail} integrationId=${id} runId=${runId} onDone=${i.reload} />` : html`<${RunList} integrationId=${id} />`;
  else if (tab === 'data') body = html`<${DataBrowser} i=${it} template=${template} />`;
  else if (tab === 'upload' && imported) body = html`<${Upload} i=${it} onDone=${i.reload} />`;
  else if (tab === 'metrics') body = html`<${Metrics} integrationId=${id} />`;
  else if (tab === 'webhooks') body = html`<${Webhooks} i=${it} />`;
  else if (tab === 'edit') body = template ? html`<${EditIntegration} key=${it.version} i=${it} template=${template} onSaved=${i.reload} />` : html`<${Loading} what="the connector's form" />`;
  else body = html`<p>No such tab.</p>`;
  return html`
    <p class="small"><${Link} href="/">Overview</${Link}> / ${it.name}</p>
    <div class="head"><h1>${it.name}</h1><${Status} status=${it.status} /></div>
    <nav class="tabs" aria-label="Integration">
      ${TABS.filter(([t]) => (t !== 'webhooks' || hasWebhooks) && (t !== 'upload' || imported)).map(([t, label]) => html`<${Link} href=${t === 'summary' ? base : `${base}/${t}`} current=${t === tab}>${label}</${Link}>`)}
    </nav>
    ${body}`;
}

function Summary({ i, reload, imported }: { i: Integration; reload(): void; imported: boolean }) {
  const runs = useGet<Page<'runs', Run>>(`/api/integrations/${enc(i.id)}/runs?limit=5`, { pollMs: 2000, poll: (r) => r.runs.some((x) => x.status === 'queued' || x.status === 'running') });
  const [test, setTest] = useState<{ ok: boolean; message: string; latencyMs: number }>();
  const dialog = useRef<HTMLDialogElement>(null);
  const sync = useAction(async (body: Record<string, unknown>) => {
    const { body: r } = await call<{ runId: string }>('POST', `/api/integrations/${enc(i.id)}/sync`, { body });
    navigate(`/integrations/${enc(i.id)}/runs/${enc(r.runId)}`);
  });
  const pause = useAction(async (status: 'active' | 'inactive') => {
    await call('PATCH', `/api/integrations/${enc(i.id)}`, { body: { status }, ifMatch: i.version });
    reload();
  });
  const tester = useAction(async () => {
    setTest(undefined);
    setTest((await call<{ ok: boolean; message: string; latencyMs: number }>('POST', `/api/integrations/${enc(i.id)}/test`)).body);
    // The test records its outcome on the integration (status, error, version).
    reload();
  });
  const busy = sync.pending || pause.pending || tester.pending;
  return html`
    <dl class="facts">
      <dt>Type</dt><dd>${i.type}</dd>
      <dt>Status</dt><dd><${Status} status=${i.status} />${i.status === 'inactive' ? ' (paused: the scheduler skips it)' : ''}</dd>
      <dt>Sync every</dt><dd>${i.syncInterval} min</dd>
      <dt>Last sync</dt><dd><${Time} iso=${i.lastSync} /></dd>
      <dt>Next sync</dt><dd><${Time} iso=${i.nextSyncAt} /></dd>
      <dt>Version</dt><dd>${i.version}</dd>
      <dt>Id</dt><dd><code>${i.id}</code></dd>
    </dl>
    ${i.errorMessage
      ? html`<div class="error" role="alert"><strong>Last error</strong><p>${i.errorMessage}</p><p class="advice">What to do: ${adviceFor(i.errorMessage)}</p></div>`
      : null}
    <div class="actions">
      ${imported
        ? html`<${Link} href=${`/integrations/${enc(i.id)}/upload`}>Upload a file</${Link}>`
        : html`<button type="button" disabled=${busy} onClick=${() => sync.run({})}>Sync now</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => dialog.current?.showModal()}>Full sync</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => sync.run({ dryRun: true })}>Dry run</button>`}
      ${i.status === 'inactive'
        ? html`<button type="button" class="secondary" disabled=${busy} onClick=${() => pause.run('active')}>Resume</button>`
        : html`<button type="button" class="secondary" disabled=${busy} onClick=${() => pause.run('inactive')}>Pause</button>`}
      <button type="button" class="secondary" disabled=${busy} onClick=${() => tester.run()}>Test connection</button>
    </div>
    <${Confirm} dialogRef=${dialog} title="Start a full sync?" yes="Start full sync" onYes=${() => void sync.run({ mode: 'full' })}>
      A full sync reads every record again from the start (not only what changed), which costs more API calls, and marks records the source no longer has as deleted.
    </${Confirm}>
    ${tester.pending ? html`<p aria-live="polite">Testing the connection…</p>` : null}
    ${test
      ? html`<div class=${test.ok ? 'notice' : 'error'} role="status"><strong>${test.ok ? 'Connection OK' : 'Connection failed'}</strong> (${test.latencyMs} ms)<p>${test.message}</p>
          ${test.ok ? null : html`<p class="advice">What to do: ${adviceFor(test.message)}</p>`}</div>`
      : null}
    <${ErrorBox} error=${sync.error || pause.error || tester.error} />
    <h2>Latest runs</h2>
    ${runs.data ? html`<${RunTable} integrationId=${i.id} runs=${runs.data.runs} />` : html`<${Loading} what="runs" />`}
    <p><${Link} href=${`/integrations/${enc(i.id)}/runs`}>All runs</${Link}></p>`;
}
