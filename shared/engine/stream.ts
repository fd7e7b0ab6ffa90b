import { connectorHttp } from '../connectors/context';
import type { Connector, Page, ReadContext, Stream } from '../connectors/types';
import { SourceError, type AppError } from '../errors';
import { scrub, type Logger } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { RecordMeta } from '../store/record-item';
import { lastCopies, type HashedRecords } from '../store/upsert';
import { addStats, emptyStats, type Run, type StreamStats } from '../store/runs';
import type { SeenIds } from '../store/seen';
import { LeaseLostError, type StreamState } from '../store/state';
import type { RunScope } from './scope';
import { Lookahead, PagePipeline } from './pipeline';
import { recordRejected, recordStreamError, syncHttp, totals } from './stats';

/** Beyond this many stored records a full run reads per page instead of holding a snapshot in memory. */
const SNAPSHOT_MAX = 500_000;
/**
 * Records (as canonical JSON) a full run downloads and hashes while its snapshot is read, before it can
 * compare them: the snapshot keeps the store busy and the source idle, the pages the other way round. Bounds
 * the memory held: parsed records take about 1.4 × their JSON (measured on HubSpot contacts), so ≈ 90 MB of
 * a worker's 512 MB; 100,000 contacts of 600 bytes fit.
 */
const READ_AHEAD_BYTES = 64 * 2 ** 20;

/**
 * `busy`: another delivery of this run holds the stream. `handoff`: time is nearly up, checkpointed.
 * `paused`: a transient source error ended the read; checkpointed, to be resumed by a redelivery.
 */
export type StreamEnd = 'done' | 'busy' | 'handoff' | 'paused';

type StreamRun = Run['streams'][string];

/** Reads one data type under its lease, renewed on a heartbeat while it reads and released at the end. */
export async function syncStream(scope: RunScope, stream: Stream): Promise<StreamEnd> {
  const { app, integration, run, holder, leaseTtlMs } = scope;
  const state = await app.state.acquire(integration.id, stream.name, holder, run.id, leaseTtlMs);
  if (!state) return leaseHeld(scope, stream.name);
  const stop = heartbeat(scope, stream.name);
  try {
    const end = await readStream(scope, stream, state);
    if (end !== 'done') return end;
  } finally {
    stop();
    await app.state.release(integration.id, stream.name, holder);
  }
  run.stats = totals(run);
  await app.runs.save(run);
  return 'done';
}

/** Someone else holds the stream: this run's other delivery (busy), or another run (skipped, saying who and until when). */
async function leaseHeld(scope: RunScope, name: string): Promise<StreamEnd> {
  const other = (await scope.app.state.get(scope.integration.id, name))?.lease;
  // Another delivery of this very run is reading: leave the run to it and let the queue redeliver this copy.
  if (other?.runId === scope.run.id) return 'busy';
  const until = other ? new Date(other.expiresAt).toISOString() : 'now';
  const reason = `run ${other?.runId} (${other?.holder}) is reading this data type; its lease runs until ${until} unless renewed`;
  scope.run.streams[name] = { ...emptyStats(), status: 'skipped', info: { reason, holder: other?.holder, leaseUntil: until } };
  return 'done';
}

/** Renews the lease every third of its TTL, so a reader that dies frees the stream within one short TTL. */
function heartbeat(scope: RunScope, name: string): () => void {
  const { app, integration, holder, leaseTtlMs, log } = scope;
  const timer = setInterval(() => {
    app.state
      .renew(integration.id, name, holder, leaseTtlMs)
      .then((ours) => ours || log.warn('lease lost', { stream: name }))
      .catch((err) => log.warn('lease renewal failed', { stream: name, error: err as Error }));
  }, leaseTtlMs / 3);
  timer.unref();
  return () => clearInterval(timer);
}

/** A retryable source error (a 429 budget, 5xx or network trouble outlasting the client's retries) while deliveries remain. */
const transient = (scope: RunScope, err: unknown): err is SourceError => err instanceof SourceError && err.retryable && !scope.opts.lastDelivery;

/** Pages through the pipeline, then a resting checkpoint; or a pause at the last durable page; or the failure. */
async function readStream(scope: RunScope, stream: Stream, state: StreamState): Promise<StreamEnd> {
  const { app, integration, run, holder, leaseTtlMs } = scope;
  const { resuming, cursor } = startingPoint(scope, state);
  const { waiting, resumesAt, ...info } = run.streams[stream.name]?.info ?? {};
  void waiting, resumesAt;
  const st: StreamRun = (run.streams[stream.name] = { ...emptyStats(), ...run.streams[stream.name], info, status: 'running' });
  if (resuming && state.runId !== run.id) st.info = { ...st.info, resumedFrom: state.runId };
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
    log: scope.log.child({ stream: stream.name }),
    saveSecrets: scope.saveSecrets,
  };
  const started = Date.now();
  const base = { ...st };
  const track = () => syncHttp(st, base, http.stats, Date.now() - started);
  const sink = pageSink(scope, stream.name, st);
  const pipeline = new PagePipeline(sink, cursor);
  try {
    if ((await readPages(scope, stream.name, stream.read(ctx, cursor), pipeline, sink, st, track)) === 'handoff') return 'handoff';
    if (st.status === 'running') {
      st.status = 'done';
      if (!run.dryRun) await app.state.checkpoint(integration.id, stream.name, holder, { cursor: pipeline.cursor, runId: run.id, inProgress: false, mode: run.mode }, leaseTtlMs);
    }
  } catch (err) {
    if (err instanceof LeaseLostError) throw err;
    const reason = scrub((err as Error).message);
    if (transient(scope, err)) {
      await pipeline.rest();
      const at = err.retryAt !== undefined ? new Date(err.retryAt).toISOString() : 'when the queue redelivers the run';
      st.info = { ...st.info, waiting: reason, resumesAt: at };
      scope.retryAt = Math.max(scope.retryAt ?? 0, err.retryAt ?? 0) || undefined;
      scope.log.warn('stream paused by a transient source error', { stream: stream.name, error: reason, resumesAt: at, processed: st.processed });
      return 'paused';
    }
    st.status = 'failed';
    recordStreamError(run, stream.name, reason);
    scope.log.warn('stream failed', { stream: stream.name, error: reason, code: (err as AppError).code });
  } finally {
    // Writes still in flight after a failure finish (or fail) before the lease goes.
    await pipeline.settled();
    track();
  }
  return 'done';
}

/**
 * Where reading starts: a read left interrupted mid-way (by this run, or by another run of the same mode that
 * died, was killed or failed) resumes from its checkpoint; otherwise the resting cursor (incremental) or the
 * beginning. A full run that resumes someone else's read, or its own after a crash, lacks the ids seen before
 * the checkpoint, so it marks nothing deleted.
 */
function startingPoint(scope: RunScope, state: StreamState): { resuming: boolean; cursor: unknown } {
  const { run } = scope;
  const own = state.runId === run.id;
  const resuming = state.inProgress === true && (own || (state.mode === run.mode && !run.since));
  if (resuming && !own) run.deletionsSkipped = `the data type resumed run ${state.runId}'s interrupted read from its checkpoint`;
  else if (resuming && scope.crashed) run.deletionsSkipped = 'the run was resumed after an interruption';
  const cursor = resuming ? state.cursor : run.mode === 'incremental' && !run.since ? (state.cursor ?? null) : null;
  return { resuming, cursor };
}

/**
 * The pipeline's side of the stores: record upserts counted into the stream's stats, and the fenced cursor;
 * `ready` once the comparison can start, `prepare` hashes a page before then (and answers its JSON's size).
 */
function pageSink(scope: RunScope, name: string, st: StreamRun) {
  const { app, integration, run, holder, leaseTtlMs } = scope;
  // A full run compares against one snapshot of the stored hashes instead of a read per page. When webhooks
  // can write this integration's records meanwhile, what the snapshot says changed is re-read before writing.
  const ready =
    run.mode === 'full'
      ? Promise.all([app.records.snapshot(integration.id, name, SNAPSHOT_MAX), app.webhooks.pointer(integration.id)]).then(([known, pointer]) => {
          if (known) scope.snapshots.set(name, known);
          return { known, verify: known !== undefined && pointer !== undefined };
        })
      : Promise.resolve({ known: undefined, verify: false });
  ready.catch(() => undefined);
  const hashed = new WeakMap<Page, HashedRecords>();
  return {
    ready,
    prepare: (page: Page) => {
      const byId = lastCopies(page.records);
      hashed.set(page, byId);
      let bytes = 0;
      for (const { size } of byId.values()) bytes += size;
      return bytes;
    },
    write: async (page: Page) => {
      const { known, verify } = await ready;
      const rejected = page.rejected ?? [];
      const w = await app.records.upsert(integration.id, name, hashed.get(page) ?? page.records, { dryRun: run.dryRun, known, verify });
      recordRejected(run, name, w.rejected);
      const counts: Partial<StreamStats> = { processed: page.records.length + rejected.length, failed: rejected.length + w.rejected.length, pages: 1 };
      Object.assign(st, addStats(st, { ...counts, created: w.created, updated: w.updated, unchanged: w.unchanged, deleted: w.deleted }));
      return w.created + w.updated + w.deleted > 0;
    },
    checkpoint: (cursor: unknown) => app.state.checkpoint(integration.id, name, holder, { cursor, runId: run.id, inProgress: true, mode: run.mode }, leaseTtlMs),
  };
}

/** Feeds the stream's pages to the pipeline until the source ends, `maxRecords` is reached or time runs short. */
async function readPages(
  scope: RunScope,
  name: string,
  source: AsyncIterable<Page>,
  pipeline: PagePipeline,
  sink: ReturnType<typeof pageSink>,
  st: StreamRun,
  track: () => void,
): Promise<'end' | 'handoff'> {
  const { run, opts } = scope;
  const seen = scope.seen.get(name) ?? new Set<string>();
  scope.seen.set(name, seen);
  const pages = new Lookahead(source[Symbol.asyncIterator]());
  let [held, bytes] = [0, 0];
  await pages.readAhead(sink.ready, (page) => {
    held += page.records.length;
    bytes += sink.prepare(page);
    return held < scope.budget && bytes < READ_AHEAD_BYTES;
  });
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
  // With no page to write, a failed snapshot would otherwise go unnoticed (and the deletion pass without it).
  await sink.ready;
  return 'end';
}
