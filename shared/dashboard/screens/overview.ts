import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { enc, get, type Integration, type Page, type Run } from '../api';
import { ErrorBox, Link, Loading, num, Status, Time } from '../ui';

export type Health = 'active' | 'error' | 'inactive' | 'syncing';
const HEALTH: Health[] = ['active', 'syncing', 'error', 'inactive'];
const live = (r: Run | undefined) => r?.status === 'queued' || r?.status === 'running';

interface Row {
  i: Integration;
  runs: Run[];
  health: Health;
}

/** Integrations with their recent runs: the API has no tenant-wide run listing, so one small page each. */
async function loadRows(): Promise<Row[]> {
  const { integrations } = await get<Page<'integrations', Integration>>('/api/integrations?limit=200');
  return Promise.all(
    integrations.map(async (i) => {
      const { runs } = await get<Page<'runs', Run>>(`/api/integrations/${enc(i.id)}/runs?limit=5`);
      return { i, runs, health: live(runs[0]) ? 'syncing' : (i.status as Health) };
    }),
  );
}

export function Overview() {
  const [rows, setRows] = useState<Row[]>();
  const [error, setError] = useState<unknown>();
  const [q, setQ] = useState('');
  const [health, setHealth] = useState('');
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const load = () =>
      loadRows().then(
        (r) => {
          if (!alive) return;
          setRows(r);
          setError(undefined);
          // Live while something syncs; otherwise a slow refresh for the scheduler's runs.
          timer = setTimeout(load, r.some((x) => x.health === 'syncing') ? 2000 : 30_000);
        },
        (e) => alive && setError(e),
      );
    void load();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);

  if (error && !rows) return html`<h1>Integrations</h1><${ErrorBox} error=${error} />`;
  if (!rows) return html`<h1>Integrations</h1><${Loading} what="integrations" />`;
  const counts = Object.fromEntries(HEALTH.map((h) => [h, rows.filter((r) => r.health === h).length]));
  const needle = q.trim().toLowerCase();
  const shown = rows.filter((r) => (!health || r.health === health) && (!needle || `${r.i.name} ${r.i.type} ${r.i.id}`.toLowerCase().includes(needle)));
  const feed = rows
    .flatMap((r) => r.runs.map((run) => ({ run, i: r.i })))
    .sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt))
    .slice(0, 20);

  return html`
    <div class="head">
      <h1>Integrations</h1>
      <${Link} href="/integrations/new" class="button">New integration</${Link}>
    </div>
    <ul class="counts" aria-label="Health">
      ${HEALTH.map((h) => html`<li><${Status} status=${h} /> ${counts[h]}</li>`)}
      <li>${rows.length} in all</li>
    </ul>
    <div class="filters">
      <label>Search <input type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} /></label>
      <label>Health
        <select value=${health} onChange=${(e: Event) => setHealth((e.target as HTMLSelectElement).value)}>
          <option value="">all</option>
          ${HEALTH.map((h) => html`<option value=${h}>${h}</option>`)}
        </select>
      </label>
    </div>
    ${rows.length === 0
      ? html`<p>No integrations yet. <${Link} href="/integrations/new">Create one from the catalog</${Link}>.</p>`
      : html`<div class="scroll"><table>
        <thead><tr><th>Name</th><th>Type</th><th>Health</th><th>Last sync</th><th>Next sync</th><th>Last run: created / updated / failed</th></tr></thead>
        <tbody>
          ${shown.map(({ i, runs, health: h }) => html`<tr>
            <td><${Link} href=${`/integrations/${enc(i.id)}`}>${i.name}</${Link}>${i.errorMessage ? html`<div class="small err-text">${i.errorMessage}</div>` : null}</td>
            <td>${i.type}</td>
            <td><${Status} status=${h} /></td>
            <td><${Time} iso=${i.lastSync} /></td>
            <td><${Time} iso=${i.nextSyncAt} /></td>
            <td>${runs[0] ? `${num(runs[0].stats.created)} / ${num(runs[0].stats.updated)} / ${num(runs[0].stats.failed)}` : '—'}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${shown.length === 0 ? html`<p class="muted">Nothing matches.</p>` : null}`}
    <h2>Activity</h2>
    ${feed.length === 0
      ? html`<p class="muted">No runs yet.</p>`
      : html`<ol class="feed">
        ${feed.map(({ run, i }) => html`<li class=${run.status === 'failed' ? 'bad' : ''}>
          <${Status} status=${run.status} />
          <${Link} href=${`/integrations/${enc(i.id)}/runs/${enc(run.id)}`}>${i.name}</${Link}>
          <span class="muted">${run.trigger} ${run.mode}${run.dryRun ? ' dry run' : ''}, <${Time} iso=${run.createdAt} /></span>
          ${run.error ? html`<div class="small err-text">${run.error}</div>` : html`<span class="small"> ${num(run.stats.processed)} records</span>`}
        </li>`)}
      </ol>`}`;
}
