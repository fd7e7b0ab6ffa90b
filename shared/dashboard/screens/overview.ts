import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { enc, get, type Activity, type Integration, type Page, type Run } from '../api';
import { ErrorBox, Link, Loading, num, Status, Time } from '../ui';

export type Health = 'active' | 'error' | 'inactive' | 'syncing';
const HEALTH: Health[] = ['active', 'syncing', 'error', 'inactive'];
const live = (r: Run | undefined) => r?.status === 'queued' || r?.status === 'running';

interface Row {
  i: Integration;
  runs: Run[];
  health: Health;
}

/** Integrations with their last run (health, figures), and the tenant's feed of finished syncs and flow runs. */
async function loadRows(): Promise<{ rows: Row[]; activity: Activity[] }> {
  const [{ integrations }, { activity }] = await Promise.all([
    get<Page<'integrations', Integration>>('/api/integrations?limit=200'),
    get<Page<'activity', Activity>>('/api/activity?limit=20'),
  ]);
  const rows = await Promise.all(
    integrations.map(async (i): Promise<Row> => {
      const { runs } = await get<Page<'runs', Run>>(`/api/integrations/${enc(i.id)}/runs?limit=1`);
      return { i, runs, health: live(runs[0]) ? 'syncing' : (i.status as Health) };
    }),
  );
  return { rows, activity };
}

/** A feed line: a run still going (from its integration's row) or a finished one (from the feed). */
interface FeedItem {
  key: string;
  status: string;
  href: string;
  name: string;
  what: string;
  at: string;
  error: string | null;
  processed: number;
}

export function Overview() {
  const [rows, setRows] = useState<Row[]>();
  const [activity, setActivity] = useState<Activity[]>([]);
  const [error, setError] = useState<unknown>();
  const [q, setQ] = useState('');
  const [health, setHealth] = useState('');
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const load = () =>
      loadRows().then(
        ({ rows: r, activity: a }) => {
          if (!alive) return;
          setRows(r);
          setActivity(a);
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
  const going: FeedItem[] = rows
    .filter((r) => live(r.runs[0]))
    .map(({ i, runs: [run] }) => ({ key: run.id, status: run.status, href: `/integrations/${enc(i.id)}/runs/${enc(run.id)}`, name: i.name, what: `${run.trigger} ${run.mode}${run.dryRun ? ' dry run' : ''}`, at: run.createdAt, error: run.error, processed: run.stats.processed }));
  const names = new Map(rows.map((r) => [r.i.id, r.i.name]));
  const done: FeedItem[] = activity.map((a) => ({
    key: a.runId,
    status: a.status,
    href: a.kind === 'flow' ? `/flows/${enc(a.flowId!)}` : `/integrations/${enc(a.integrationId!)}/runs/${enc(a.runId)}`,
    name: (a.integrationId && names.get(a.integrationId)) || a.name || a.flowId || a.integrationId || a.runId,
    what: `${a.kind === 'flow' ? 'flow' : 'sync'} ${a.trigger}${a.dryRun ? ' dry run' : ''}`,
    at: a.finishedAt,
    error: a.error,
    processed: a.processed,
  }));
  const feed = [...going, ...done].slice(0, 20);

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
        ${feed.map((f) => html`<li key=${f.key} class=${f.status === 'failed' ? 'bad' : ''}>
          <${Status} status=${f.status} />
          <${Link} href=${f.href}>${f.name}</${Link}>
          <span class="muted">${f.what}, <${Time} iso=${f.at} /></span>
          ${f.error ? html`<div class="small err-text">${f.error}</div>` : html`<span class="small"> ${num(f.processed)} records</span>`}
        </li>`)}
      </ol>`}`;
}
