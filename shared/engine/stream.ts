import { connectorHttp } from '../connectors/context';
import type { Connector, Page, ReadContext, Stream } from '../connectors/types';
import type { AppError } from '../errors';
import { scrub, type Logger } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { RecordMeta } from '../store/records';
import { addStats, emptyStats, type Run, type StreamStats } from '../store/runs';
import type { SeenIds } from '../store/seen';
import { LeaseLostError, type StreamState } from '../store/state';
import type { RunScope } from './scope';
import { Lookahead, PagePipeline } from './pipeline';
import { recordRejected, recordStreamError, syncHttp, totals } from './stats';

/** Beyond this many stored records a full run reads per page instead of holding a snapshot in memory. */
const SNAPSHOT_MAX = 500_000;

/** `busy`: another delivery of this run holds the stream. `handoff`: time is nearly up, checkpointed. */
export type StreamEnd = 'done' | 'busy' | 'handoff';

type StreamRun = Run['streams'][string];

/** Reads one data type under its lease: pages through the pipeline, then a resting checkpoint, or the failure. */
export async function syncStream(scope: RunScope, stream: Stream): Promise<StreamEnd> {
  const { app, integration, run, holder, leaseTtlMs } = scope;
  const state = await app.state.acquire(integration.id, stream.name, holder, run.id, leaseTtlMs);
  if (!state) {
    const other = (await app.state.get(integration.id, stream.name))?.lease;
    // Another delivery of this very run is reading: leave the run to it and let the queue redeliver this copy.
    if (other?.runId === run.id) return 'busy';
    run.streams[stream.name] = { ...emptyStats(), status: 'skipped', info: { reason: `run ${other?.runId} is reading this data type` } };
    return 'done';
  }
  const { resuming, cursor } = startingPoint(scope, state);
  const st: StreamRun = (run.streams[stream.name] = { ...emptyStats(), ...run.streams[stream.name], status: 'running' });
  const log = scope.log.child({ stream: stream.name });
  const http = connectorHttp(scope.connector, scope.config, {
    integrationId: integration.id,
    log: scope.log,
    save: scope.saveSecrets,
    sleep: scope.opts.sleep,
    limits: app.limits,
    remainingMs: () => scope.opts.remainingMs() - scope.opts.safetyMarginMs,
  });
  const ctx: ReadContext = {
    connector: scope.connector.type,
    integrationId: integration.id,
    tenantId: integration.tenantId,
    stream: stream.name,
    config: scope.config,
    mode: run.mode,
    since: resuming ? undefined : run.since,
    resuming,
    http,
    log,
    saveSecrets: scope.saveSecrets,
  };
  const started = Date.now();
  const base = { ...st };
  const track = () => syncHttp(st, base, http.stats, Date.now() - started);
  const pipeline = new PagePipeline(await pageSink(scope, stream.name, st), cursor);
  try {
    if ((await readPages(scope, stream.name, stream.read(ctx, cursor), pipeline, st, track)) === 'handoff') return 'handoff';
    if (st.status === 'running') {
      st.status = 'done';
      if (!run.dryRun) await app.state.checkpoint(integration.id, stream.name, holder, { cursor: pipeline.cursor, runId: run.id, inProgress: false }, leaseTtlMs);
    }
  } catch (err) {
    if (err instanceof LeaseLostError) throw err;
    st.status = 'failed';
    const reason = scrub((err as Error).message);
    recordStreamError(run, stream.name, reason);
    scope.log.warn('stream failed', { stream: stream.name, error: reason, code: (err as AppError).code });
  } finally {
    // Writes still in flight after a failure finish (or fail) before the lease goes.
    await pipeline.settled();
    track();
    await app.state.release(integration.id, stream.name, holder);
  }
  run.stats = totals(run);
  await app.runs.save(run);
  return 'done';
}

/** Where reading starts: an interrupted position of this run, the resting cursor (incremental), or the beginning. */
function startingPoint(scope: RunScope, state: StreamState): { resuming: boolean; cursor: unknown } {
  const { run } = scope;
  const resuming = state.runId === run.id && state.inProgress === true;
  if (resuming && scope.crashed) run.deletionsSkipped = 'the run was resumed after an interruption';
  const cursor = resuming ? state.cursor : run.mode === 'incremental' && !run.since ? (state.cursor ?? null) : null;
  return { resuming, cursor };
}

/** The pipeline's side of the stores: record upserts counted into the stream's stats, and the fenced cursor. */
async function pageSink(scope: RunScope, name: string, st: StreamRun) {
  const { app, integration, run, holder, leaseTtlMs } = scope;
  // A full run compares against one snapshot of the stored hashes instead of a read per page. When webhooks
  // can write this integration's records meanwhile, what the snapshot says changed is re-read before writing.
  const known = run.mode === 'full' ? await app.records.snapshot(integration.id, name, SNAPSHOT_MAX) : undefined;
  if (known) scope.snapshots.set(name, known);
  const verify = known !== undefined && (await app.webhooks.pointer(integration.id)) !== undefined;
  return {
    write: async (page: Page) => {
      const rejected = page.rejected ?? [];
      const w = await app.records.upsert(integration.id, name, page.records, { dryRun: run.dryRun, known, verify });
      recordRejected(run, name, w.rejected);
      const counts: Partial<StreamStats> = { processed: page.records.length + rejected.length, failed: rejected.length + w.rejected.length, pages: 1 };
      Object.assign(st, addStats(st, { ...counts, created: w.created, updated: w.updated, unchanged: w.unchanged, deleted: w.deleted }));
      return w.created + w.updated + w.deleted > 0;
    },
    checkpoint: (cursor: unknown) => app.state.checkpoint(integration.id, name, holder, { cursor, runId: run.id, inProgress: true }, leaseTtlMs),
    keepAlive: async () => void (await app.state.acquire(integration.id, name, holder, run.id, leaseTtlMs)),
  };
}

/** Feeds the stream's pages to the pipeline until the source ends, `maxRecords` is reached or time runs short. */
async function readPages(
  scope: RunScope,
  name: string,
  source: AsyncIterable<Page>,
  pipeline: PagePipeline,
  st: StreamRun,
  track: () => void,
): Promise<'end' | 'handoff'> {
  const { run, opts } = scope;
  const seen = scope.seen.get(name) ?? new Set<string>();
  scope.seen.set(name, seen);
  const pages = new Lookahead(source[Symbol.asyncIterator]());
  for (;;) {
    const res = await pages.next();
    if (res.done) break;
    let page: Page = res.value;
    const cut = page.records.length > scope.budget;
    if (cut) page = { ...page, records: page.records.slice(0, scope.budget) };
    // No lookahead once the budget is spent: the next page would be fetched for nothing.
    if (!cut && page.records.length < scope.budget) pages.prefetch();
    await pipeline.add(page, !run.dryRun && !cut);
    for (const r of page.records) seen.add(r.id);
    for (const r of page.rejected ?? []) if (r.id) seen.add(r.id);
    recordRejected(run, name, page.rejected ?? []);
    if (page.info) st.info = { ...st.info, ...page.info };
    scope.budget -= page.records.length;
    track();
    run.stats = totals(run);
    opts.onProgress?.(run);
    await scope.saveProgress();
    if (cut || scope.budget <= 0) {
      await pipeline.drain();
      st.status = 'done';
      st.info = { ...st.info, stoppedAt: 'maxRecords' };
      break;
    }
    if (opts.remainingMs() < opts.safetyMarginMs && !run.dryRun) {
      await pipeline.flush();
      await pages.close();
      return 'handoff';
    }
  }
  await pipeline.drain();
  return 'end';
}
