import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, enc, get, qs, type Flow, type FlowDelivery as Delivery, type FlowRun, type Integration, type Page, type Template } from '../api';
import { useTemplates } from '../catalog';
import { flowBody, FlowFields, type FlowDraft } from '../flow-form';
import { Confirm, ErrorBox, Link, Loading, navigate, Pager, Status, Time, useAction, useGet, usePages } from '../ui';

/** completeness_score is a share of mapped fields filled (0–1). */
const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
const live = (r: FlowRun) => r.status === 'queued' || r.status === 'running';
const REPORTS = '/api/flows/{id}/reports';

/** Whether this Switchboard serves flow reports: read from the published contract, so no request 404s. */
function useHasReports(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    fetch('/api/openapi.json').then((r) => r.json()).then((d: { paths?: Record<string, unknown> }) => setHas(Boolean(d.paths?.[REPORTS])), () => setHas(false));
  }, []);
  return has;
}

export function FlowScreen({ id }: { id: string }) {
  const flow = useGet<Flow>(`/api/flows/${enc(id)}`);
  const integrations = useGet<Page<'integrations', Integration>>('/api/integrations?limit=200');
  const { templates } = useTemplates();
  const [runId, setRunId] = useState<string>();
  const hasReports = useHasReports();
  const [runsKey, setRunsKey] = useState(0);
  const start = useAction(async (body: Record<string, unknown>, retry = false) => {
    const { body: r } = await call<{ runId: string }>('POST', `/api/flows/${enc(id)}/${retry ? 'retry' : 'run'}`, { body });
    setRunId(r.runId);
    setRunsKey((k) => k + 1);
  });
  if (flow.error) return html`<h1>Flow</h1><${ErrorBox} error=${flow.error} />`;
  if (!flow.data || !integrations.data || !templates) return html`<${Loading} what="the flow" />`;
  const f = flow.data;
  const n = new Map(integrations.data.integrations.map((i) => [i.id, i.name]));
  return html`
    <p class="small"><${Link} href="/flows">Flows</${Link}> / ${f.name}</p>
    <div class="head"><h1>${f.name}</h1><${Status} status=${f.status} /></div>
    <dl class="facts">
      <dt>From</dt><dd>${n.get(f.source.integrationId) ?? f.source.integrationId} · ${f.source.dataType}${f.source.filter ? html` where <code>${f.source.filter}</code>` : null}</dd>
      <dt>To</dt><dd>${f.target ? html`${n.get(f.target.integrationId) ?? f.target.integrationId} · ${f.target.object ?? `${f.target.method ?? 'POST'} ${f.target.path ?? ''}`}` : 'no target'}</dd>
      ${f.actions?.length ? html`<dt>Actions</dt><dd>${f.actions.map((a) => a.type).join(', ')}</dd>` : null}
      <dt>Trigger</dt><dd>${f.trigger}${f.trigger === 'schedule' ? ` every ${f.schedule} min` : ''}</dd>
      <dt>Last run</dt><dd><${Time} iso=${f.lastRunAt} /></dd>
      <dt>Next run</dt><dd><${Time} iso=${f.nextRunAt} /></dd>
    </dl>
    ${f.errorMessage ? html`<div class="error" role="alert"><strong>Last error</strong><p>${f.errorMessage}</p></div>` : null}
    <div class="actions">
      <button type="button" disabled=${start.pending} onClick=${() => start.run({ dryRun: true, maxRecords: 20 })}>Preview mapping (dry run)</button>
      <button type="button" class="secondary" disabled=${start.pending} onClick=${() => start.run({})}>Run now</button>
      <button type="button" class="secondary" disabled=${start.pending} onClick=${() => start.run({}, true)}>Retry failed deliveries</button>
    </div>
    <${ErrorBox} error=${start.error} />
    ${runId ? html`<${RunView} key=${runId} flowId=${id} runId=${runId} onDone=${() => (flow.reload(), setRunsKey((k) => k + 1))} />` : null}
    <h2>Runs</h2>
    <${Runs} key=${runsKey} flowId=${id} onOpen=${setRunId} />
    <h2>Deliveries</h2>
    <${Deliveries} flowId=${id} />
    ${hasReports ? html`<h2>Reports</h2><${Reports} flowId=${id} />` : null}
    <h2>Edit</h2>
    <${EditFlow} key=${f.version} flow=${f} integrations=${integrations.data.integrations} templates=${templates} onSaved=${flow.reload} />`;
}

function RunView({ flowId, runId, onDone }: { flowId: string; runId: string; onDone(): void }) {
  const run = useGet<FlowRun>(`/api/flows/${enc(flowId)}/runs/${enc(runId)}`, { pollMs: 1000, poll: live });
  const done = run.data && !live(run.data);
  useEffect(() => void (done && onDone()), [done]);
  if (run.error) return html`<${ErrorBox} error=${run.error} />`;
  if (!run.data) return html`<${Loading} what="the run" />`;
  const r = run.data;
  return html`<section class="panel" aria-live="polite">
    <h2>${r.dryRun ? 'Mapping preview (dry run: nothing sent)' : 'Run'} <${Status} status=${r.status} /></h2>
    <${Summary} r=${r} />
    ${r.error ? html`<div class="error" role="alert"><p>${r.error}</p></div>` : null}
    ${r.preview?.length
      ? html`<div class="scroll"><table>
        <thead><tr><th>Source record</th><th>Action</th><th>Payload sent to the target</th></tr></thead>
        <tbody>${r.preview.map((p) => html`<tr><td><code>${p.sourceId}</code></td><td>${p.action}${p.targetId ? html` <code>${p.targetId}</code>` : null}</td><td><pre>${JSON.stringify(p.payload, null, 2)}</pre></td></tr>`)}</tbody>
      </table></div>`
      : r.dryRun && !live(r)
        ? html`<p class="muted">No source records to preview: sync the source integration first.</p>`
        : null}
    ${r.errors.length ? html`<h3>Record errors</h3><ul>${r.errors.map((e) => html`<li><code>${e.sourceId}</code> → ${e.target}: ${e.reason}</li>`)}</ul>` : null}
  </section>`;
}

/** Seed 003's run report: the sync summary and data quality. */
function Summary({ r }: { r: FlowRun }) {
  const s = r.sync_summary;
  const q = r.data_quality;
  return html`<dl class="facts">
    <dt>Records processed</dt><dd>${s.records_processed}</dd>
    <dt>Successful transfers</dt><dd>${s.successful_transfers}</dd>
    <dt>Failed transfers</dt><dd>${s.failed_transfers}</dd>
    <dt>Duplicates skipped</dt><dd>${s.duplicates_skipped}</dd>
    <dt>Duration</dt><dd>${s.sync_duration}</dd>
    <dt>Completeness</dt><dd>${pct(q.completeness_score)}</dd>
    <dt>Validation errors</dt><dd>${q.validation_errors}</dd>
    <dt>Missing required fields</dt><dd>${q.missing_required_fields.length ? q.missing_required_fields.join(', ') : 'none'}</dd>
  </dl>`;
}

function Runs({ flowId, onOpen }: { flowId: string; onOpen(id: string): void }) {
  const runs = useGet<Page<'runs', FlowRun>>(`/api/flows/${enc(flowId)}/runs?limit=20`, { pollMs: 2000, poll: (p) => p.runs.some(live) });
  if (runs.error) return html`<${ErrorBox} error=${runs.error} />`;
  if (!runs.data) return html`<${Loading} what="runs" />`;
  if (!runs.data.runs.length) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="scroll"><table>
    <thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th class="n">Processed</th><th class="n">Successful</th><th class="n">Failed</th><th class="n">Duplicates skipped</th><th>Duration</th><th class="n">Completeness</th><th class="n">Validation errors</th></tr></thead>
    <tbody>${runs.data.runs.map((r) => html`<tr>
      <td><button type="button" class="link" onClick=${() => onOpen(r.id)}>${r.id.slice(-8)}</button>${r.dryRun ? ' (dry run)' : ''}<div class="small muted"><${Time} iso=${r.createdAt} /></div></td>
      <td><${Status} status=${r.status} /></td><td>${r.trigger}</td>
      <td class="n">${r.sync_summary.records_processed}</td><td class="n">${r.sync_summary.successful_transfers}</td><td class="n">${r.sync_summary.failed_transfers}</td><td class="n">${r.sync_summary.duplicates_skipped}</td>
      <td>${r.sync_summary.sync_duration}</td><td class="n">${pct(r.data_quality.completeness_score)}</td><td class="n">${r.data_quality.validation_errors}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function Deliveries({ flowId }: { flowId: string }) {
  const [status, setStatus] = useState('');
  const pages = usePages();
  const page = useGet<Page<'deliveries', Delivery>>(`/api/flows/${enc(flowId)}/deliveries${qs({ limit: 25, status, cursor: pages.cursor })}`);
  return html`
    <label>Delivery status
      <select value=${status} onChange=${(e: Event) => (setStatus((e.target as HTMLSelectElement).value), pages.reset())}>
        <option value="">all</option>${['delivered', 'failed', 'skipped', 'filtered', 'pending'].map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </label>
    <${ErrorBox} error=${page.error} />
    ${page.data
      ? page.data.deliveries.length === 0
        ? html`<p class="muted">No deliveries${status ? ` ${status}` : ''}.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>Source record</th><th>Target record</th><th>Status</th><th class="n">Attempts</th><th>Last error</th><th>Updated</th></tr></thead>
          <tbody>${page.data.deliveries.map((d) => html`<tr><td><code>${d.sourceId}</code></td><td><code>${d.targetId ?? '—'}</code></td><td><${Status} status=${d.status} /></td><td class="n">${d.attempts}</td><td>${d.lastError ?? ''}</td><td><${Time} iso=${d.updatedAt} /></td></tr>`)}</tbody>
        </table></div>`
      : null}
    <${Pager} p=${pages} next=${page.data?.nextCursor} back="Previous deliveries" more="More deliveries" />`;
}

/** The reports helper's listing, shown as a table of its first array's scalar fields (else as JSON). */
function Reports({ flowId }: { flowId: string }) {
  const [data, setData] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  useEffect(() => void get(REPORTS.replace('{id}', enc(flowId))).then(setData, setError), [flowId]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (data === undefined) return html`<${Loading} what="reports" />`;
  const rows = Object.values(data as Record<string, unknown>).find(Array.isArray) as Record<string, unknown>[] | undefined;
  if (!rows) return html`<pre>${JSON.stringify(data, null, 2)}</pre>`;
  if (!rows.length) return html`<p class="muted">No reports yet.</p>`;
  const cols = Object.keys(rows[0]).filter((k) => rows.some((r) => r[k] === null || typeof r[k] !== 'object'));
  return html`<div class="scroll"><table>
    <thead><tr>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${cols.map((c) => html`<td>${r[c] === null || r[c] === undefined ? '' : String(r[c])}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

function EditFlow({ flow, integrations, templates, onSaved }: { flow: Flow; integrations: Integration[]; templates: Template[]; onSaved(): void }) {
  const [draft, setDraft] = useState<FlowDraft>(flow);
  const dialog = useRef<HTMLDialogElement>(null);
  const save = useAction(async () => {
    await call('PATCH', `/api/flows/${enc(flow.id)}`, { body: flowBody(draft), ifMatch: flow.version });
    onSaved();
  });
  const remove = useAction(async () => {
    await call('DELETE', `/api/flows/${enc(flow.id)}`);
    navigate('/flows');
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  return html`
    <form onSubmit=${(e: Event) => (e.preventDefault(), void save.run())}>
      <${FlowFields} draft=${draft} set=${setDraft} integrations=${integrations} templates=${templates} />
      <p class="hint">Editing version ${flow.version}. Save, then preview the mapping with a dry run.</p>
      <div class="actions">
        <button type="submit" disabled=${save.pending}>Save flow</button>
        <button type="button" class="danger" onClick=${() => dialog.current?.showModal()}>Delete flow</button>
      </div>
    </form>
    <${ErrorBox} error=${save.error || remove.error} />
    ${conflict ? html`<p>Your changes were not saved. <button type="button" class="secondary" onClick=${onSaved}>Load the latest version</button> (discards your edits).</p>` : null}
    <${Confirm} dialogRef=${dialog} title=${`Delete ${flow.name}?`} yes="Delete" danger onYes=${() => void remove.run()}>
      Its runs and delivery ledger go too. Records already sent stay in the target.
    </${Confirm}>`;
}
