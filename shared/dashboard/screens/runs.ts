import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { enc, qs, type Page, type Run } from '../api';
import { ErrorBox, Link, Loading, Pager, Status, Time, useGet, usePages } from '../ui';

const live = (r: Run) => r.status === 'queued' || r.status === 'running';

/** Run history, newest first, a page at a time; refreshed while one of them is live. */
export function RunList({ integrationId }: { integrationId: string }) {
  const pages = usePages();
  const page = useGet<Page<'runs', Run>>(`/api/integrations/${enc(integrationId)}/runs${qs({ limit: 25, cursor: pages.cursor })}`, { pollMs: 2000, poll: (p) => p.runs.some(live) });
  if (page.error) return html`<${ErrorBox} error=${page.error} />`;
  if (!page.data) return html`<${Loading} what="runs" />`;
  return html`<h2>Runs</h2>
    <${RunTable} integrationId=${integrationId} runs=${page.data.runs} />
    <${Pager} p=${pages} next=${page.data.nextCursor} back="Newer runs" more="Older runs" />`;
}

/** One run, per data type, with its record errors; polled every second while it is queued or running. */
export function RunDetail({ integrationId, runId, onDone }: { integrationId: string; runId: string; onDone(): void }) {
  const run = useGet<Run>(`/api/integrations/${enc(integrationId)}/runs/${enc(runId)}`, { pollMs: 1000, poll: live });
  const finished = run.data && !live(run.data);
  // The integration's status and last sync move when a run ends: refresh the header once.
  useEffect(() => void (finished && onDone()), [finished]);
  if (run.error) return html`<${ErrorBox} error=${run.error} />`;
  if (!run.data) return html`<${Loading} what="the run" />`;
  const r = run.data;
  const streams = Object.entries(r.streams);
  return html`
    <p class="small"><${Link} href=${`/integrations/${enc(integrationId)}/runs`}>All runs</${Link}></p>
    <h2>Run <code>${r.id}</code></h2>
    <p aria-live="polite">
      <${Status} status=${r.status} />
      ${live(r) ? ` ${r.stats.processed.toLocaleString('en-US')} records so far, ${r.stats.pages} pages` : ` ${r.stats.processed.toLocaleString('en-US')} records`}
    </p>
    ${live(r) ? html`<progress aria-label="Run progress" max=${streams.length || 1} value=${streams.filter(([, s]) => s.status === 'done' || s.status === 'failed' || s.status === 'skipped').length}></progress>` : null}
    <dl class="facts">
      <dt>Trigger</dt><dd>${r.trigger}</dd>
      <dt>Mode</dt><dd>${r.mode}${r.dryRun ? ' (dry run: nothing written)' : ''}${r.maxRecords ? `, at most ${r.maxRecords} records` : ''}${r.since ? `, since ${r.since}` : ''}</dd>
      <dt>Queued</dt><dd><${Time} iso=${r.createdAt} /></dd>
      <dt>Started</dt><dd><${Time} iso=${r.startedAt} /></dd>
      <dt>Finished</dt><dd><${Time} iso=${r.finishedAt} /></dd>
      <dt>Duration</dt><dd>${runDuration(r)}</dd>
      <dt>Requests</dt><dd>${r.stats.requests} (${r.stats.retries} retries, ${r.stats.http429} × 429, ${fmtMs(r.stats.rateLimitWaitMs)} waiting on rate limits)</dd>
    </dl>
    ${r.error ? html`<div class="error" role="alert"><strong>Run failed</strong><p>${r.error}</p></div>` : null}
    ${r.deletionsSkipped ? html`<p class="hint">Deletions not applied: ${r.deletionsSkipped}</p>` : null}
    <h3>Per data type</h3>
    ${streams.length === 0
      ? html`<p class="muted">${live(r) ? 'Waiting for the worker…' : 'No data types ran.'}</p>`
      : html`<div class="scroll"><table>
        <thead><tr><th>Data type</th><th>Status</th><th class="n">Processed</th><th class="n">Created</th><th class="n">Updated</th><th class="n">Unchanged</th><th class="n">Failed</th><th class="n">Deleted</th><th class="n">Pages</th><th class="n">Requests</th><th class="n">429s</th><th class="n">Rate-limit wait</th><th class="n">Time</th></tr></thead>
        <tbody>${streams.map(([name, s]) => html`<tr>
          <td>${name}</td><td><${Status} status=${s.status ?? 'queued'} /></td>
          <td class="n">${s.processed}</td><td class="n">${s.created}</td><td class="n">${s.updated}</td><td class="n">${s.unchanged}</td><td class="n">${s.failed}</td><td class="n">${s.deleted}</td>
          <td class="n">${s.pages}</td><td class="n">${s.requests}</td><td class="n">${s.http429}</td><td class="n">${fmtMs(s.rateLimitWaitMs)}</td><td class="n">${fmtMs(s.durationMs)}</td>
        </tr>`)}</tbody>
      </table></div>`}
    <h3>Record errors</h3>
    ${r.errors.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<ul>${r.errors.map((e) => html`<li>${e.dataType ? html`<code>${e.dataType}</code> ` : null}${e.id ? html`<code>${e.id}</code>: ` : null}${e.reason}</li>`)}</ul>
        ${r.stats.failed > r.errors.length ? html`<p class="hint">The first ${r.errors.length} of ${r.stats.failed} are kept.</p>` : null}`}`;
}

export function RunTable({ integrationId, runs }: { integrationId: string; runs: Run[] }) {
  if (!runs.length) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="scroll"><table>
    <thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th>Mode</th><th>Started</th><th class="n">Duration</th>
      <th class="n">Created</th><th class="n">Updated</th><th class="n">Unchanged</th><th class="n">Failed</th><th class="n">Deleted</th><th class="n">429s</th><th class="n">Rate-limit wait</th></tr></thead>
    <tbody>${runs.map((r) => html`<tr>
      <td><${Link} href=${`/integrations/${enc(integrationId)}/runs/${enc(r.id)}`}>${r.id.slice(-8)}</${Link}></td>
      <td><${Status} status=${r.status} /></td><td>${r.trigger}</td><td>${r.mode}${r.dryRun ? ' (dry run)' : ''}</td>
      <td><${Time} iso=${r.startedAt ?? r.createdAt} /></td><td class="n">${runDuration(r)}</td>
      <td class="n">${r.stats.created}</td><td class="n">${r.stats.updated}</td><td class="n">${r.stats.unchanged}</td><td class="n">${r.stats.failed}</td><td class="n">${r.stats.deleted}</td>
      <td class="n">${r.stats.http429}</td><td class="n">${fmtMs(r.stats.rateLimitWaitMs)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function runDuration(r: Run): string {
  if (!r.startedAt) return '—';
  return fmtMs((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt));
}

export const fmtMs = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
