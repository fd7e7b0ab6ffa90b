import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { connectorHttp, parseConfig } from '../connectors/context';
import type { Connector, Page, ReadContext } from '../connectors/types';
import { AppError } from '../errors';
import { createLogger, scrub, type Logger } from '../log';
import type { SyncMessage } from '../queue/types';
import type { App } from '../services/app';
import { IntegrationService } from '../services/integrations';
import type { IntegrationItem } from '../store/integrations';
import { keys } from '../store/keys';
import { addStats, emptyStats, type Run, type StreamStats } from '../store/runs';
import { LeaseLostError } from '../store/state';
import { markDeleted, upsertRecords } from './writer';
import type { RecordMeta } from '../store/records';
import { notify } from '../notify/service';

export interface EngineOptions {
  /** Milliseconds left before the invocation must stop (Lambda's getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** Hand the run on to a fresh invocation when less than this is left. */
  safetyMarginMs: number;
  leaseTtlMs?: number;
  /** One worker invocation: the lease holder identity. */
  holder?: string;
  onProgress?: (run: Run) => void;
  log?: Logger;
  /** Shortens waits (tests, benchmarks); production waits for real. */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to a queue message. `busy`: another delivery of the same run holds a stream; try later. */
export type Outcome = 'done' | 'continued' | 'busy' | 'ignored';

const MAX_ERRORS = 20;
/** Pages written at once: keeps the store busy while cursors still move strictly in order. */
export const WRITE_AHEAD = 3;
/** Beyond this many stored records a full run reads per page instead of holding a snapshot in memory. */
const SNAPSHOT_MAX = 500_000;

/** Whether anything but this run may write the integration's records now: a webhook endpoint exists for it. */
async function concurrentWriters(app: App, integration: IntegrationItem): Promise<boolean> {
  return (await app.webhooks.pointer(integration.id)) !== undefined;
}
const CONSECUTIVE_FAILURES_TO_ERROR = 5;

/**
 * Executes (or resumes) one sync run: for each data type, reads pages from the connector, upserts the
 * records, checkpoints the cursor after each durable page, and keeps the run's stats. Hands the run on to a
 * continuation before the Lambda's time runs out. Finishes by updating the integration and daily metrics.
 */
export async function executeRun(app: App, msg: SyncMessage, opts: EngineOptions): Promise<Outcome> {
  const svc = new IntegrationService(app);
  const holder = opts.holder ?? randomUUID();
  const leaseTtlMs = opts.leaseTtlMs ?? 5 * 60_000;
  const integration = await app.integrations.get(msg.tenantId, msg.integrationId);
  const run = await app.runs.get(msg.integrationId, msg.runId);
  if (!integration || !run) return 'ignored';
  if (!['queued', 'running'].includes(run.status)) return 'ignored';
  const log = (opts.log ?? createLogger()).child({ integrationId: integration.id, runId: run.id, connector: integration.type });

  const connector = app.connector(integration.type);
  if (!connector) throw new AppError('connector_missing', `this worker has no connector ${integration.type}`);

  // A run found 'running' without a hand-off was interrupted (crash, timeout), or is still running in another
  // delivery of the same message (its lease then answers 'busy'). If it was interrupted mid-stream, the
  // in-memory record of ids seen so far is gone, so this run must not mark anything deleted.
  const crashed = run.status === 'running' && !run.handoff;
  if (run.status === 'queued') {
    if (!(await app.runs.markStatus(run, ['queued'], 'running'))) return 'ignored';
    run.status = 'running';
    run.startedAt = new Date().toISOString();
  }
  run.handoff = false;

  let config: Record<string, unknown>;
  try {
    config = parseConfig(connector, await svc.openConfig(integration));
  } catch (err) {
    return finish(app, integration, run, 'failed', scrub((err as Error).message), log);
  }
  const dataTypes = run.dataTypes ?? connector.dataTypes(config);
  const streams = connector.streams(config).filter((s) => dataTypes.includes(s.name));
  const seen = crashed ? new Map<string, Set<string>>() : await loadSeen(app, run);
  const snapshots = new Map<string, Map<string, RecordMeta>>();
  let budget = run.maxRecords !== undefined ? run.maxRecords - run.stats.processed : Infinity;
  let lastSaved = 0;
  const save = async (patch: Record<string, unknown>) => {
    Object.assign(config, patch);
    await svc.saveSecrets(integration, patch);
  };

  for (const stream of streams) {
    const prior = run.streams[stream.name];
    if (prior && prior.status && prior.status !== 'running') continue;
    if (budget <= 0) break;
    const state = await app.state.acquire(integration.id, stream.name, holder, run.id, leaseTtlMs);
    if (!state) {
      const other = (await app.state.get(integration.id, stream.name))?.lease;
      // Another delivery of this very run is reading: leave the run to it and let SQS redeliver this copy.
      if (other?.runId === run.id) return 'busy';
      run.streams[stream.name] = { ...emptyStats(), status: 'skipped', info: { reason: `run ${other?.runId} is reading this data type` } };
      continue;
    }
    const resuming = state.runId === run.id && state.inProgress === true;
    if (resuming && crashed) run.deletionsSkipped = 'the run was resumed after an interruption';
    const cursor = resuming ? state.cursor : run.mode === 'incremental' && !run.since ? (state.cursor ?? null) : null;
    const st: Run['streams'][string] = (run.streams[stream.name] = { ...emptyStats(), ...prior, status: 'running' });
    const http = connectorHttp(connector, config, { integrationId: integration.id, log, save, sleep: opts.sleep });
    const ctx: ReadContext = {
      connector: connector.type,
      integrationId: integration.id,
      tenantId: integration.tenantId,
      stream: stream.name,
      config,
      mode: run.mode,
      since: resuming ? undefined : run.since,
      resuming,
      http,
      log: log.child({ stream: stream.name }),
      saveSecrets: save,
    };
    // A full run compares against one snapshot of the stored hashes instead of a read per page. When webhooks
    // can write this integration's records meanwhile, what the snapshot says changed is re-read before writing.
    const known = run.mode === 'full' ? await app.records.snapshot(integration.id, stream.name, SNAPSHOT_MAX) : undefined;
    if (known) snapshots.set(stream.name, known);
    const verify = known !== undefined && (await concurrentWriters(app, integration));
    const seenIds = seen.get(stream.name) ?? new Set<string>();
    seen.set(stream.name, seenIds);
    const started = Date.now();
    const base = { ...st };
    let lastCursor: unknown = cursor;
    let handedOff = false;
    let durable: unknown = cursor;
    let checkpointedAt = 0;
    const checkpointDurable = async () => {
      if (durable === lastCursor) return;
      const c = durable;
      await app.state.checkpoint(integration.id, stream.name, holder, { cursor: c, runId: run.id, inProgress: true }, leaseTtlMs);
      lastCursor = c;
      checkpointedAt = Date.now();
    };
    // Pages being written (at most WRITE_AHEAD), oldest first; `chain` ends with the newest one's checkpoint.
    const writing: { ids: Set<string>; done: Promise<void> }[] = [];
    let chain: Promise<void> = Promise.resolve();
    const settle = async (n: number) => {
      const batch = writing.splice(0, n);
      if (batch.length) await batch[batch.length - 1].done;
    };
    try {
      const it = stream.read(ctx, cursor)[Symbol.asyncIterator]();
      // One page of lookahead: the next page downloads while this one is written. A prefetch we end up not
      // awaiting (hand-off, failure) must not surface as an unhandled rejection.
      const prefetch = () => {
        const p = it.next();
        p.catch(() => undefined);
        return p;
      };
      let pending = prefetch();
      for (;;) {
        const res = await pending;
        if (res.done) break;
        let page: Page = res.value;
        let cut = false;
        if (page.records.length > budget) {
          page = { ...page, records: page.records.slice(0, budget) };
          cut = true;
        }
        // No lookahead once the budget is spent: the next page would be fetched for nothing.
        if (!cut && page.records.length < budget) pending = prefetch();
        const ids = new Set(page.records.map((r) => r.id));
        // An id still being written by an earlier page: let that page land first, so the later copy wins.
        if (writing.some((w) => page.records.some((r) => w.ids.has(r.id)))) await settle(writing.length);
        if (writing.length >= WRITE_AHEAD) await settle(writing.length - WRITE_AHEAD + 1);
        const rejected = page.rejected ?? [];
        const write = upsertRecords(app.records, integration.id, stream.name, page.records, { dryRun: run.dryRun, known, verify }).then((w) => {
          Object.assign(
            st,
            addStats(st as StreamStats, {
              processed: page.records.length + rejected.length,
              created: w.created,
              updated: w.updated,
              unchanged: w.unchanged,
              deleted: w.deleted,
              failed: rejected.length,
              pages: 1,
            }),
          );
          return w.created + w.updated + w.deleted > 0;
        });
        const after = page.cursor;
        const store = !run.dryRun && !cut;
        // Cursors move strictly in page order, each once its page and every earlier one are durable. A page that
        // changed nothing is checkpointed at most once a second: re-reading it after a crash costs no writes.
        chain = Promise.all([chain, write]).then(async ([, wrote]) => {
          if (store) durable = after;
          if (store && (wrote || Date.now() - checkpointedAt >= 1000)) await checkpointDurable();
          else if (!store) await app.state.acquire(integration.id, stream.name, holder, run.id, leaseTtlMs);
        });
        chain.catch(() => undefined);
        writing.push({ ids, done: chain });
        for (const r of page.records) seenIds.add(r.id);
        for (const r of rejected) if (r.id) seenIds.add(r.id);
        for (const r of rejected) if (run.errors.length < MAX_ERRORS) run.errors.push({ dataType: stream.name, id: r.id, reason: r.reason });
        if (page.info) st.info = { ...st.info, ...page.info };
        budget -= page.records.length;
        syncHttp(st, base, http.stats, Date.now() - started);
        run.stats = total(run);
        opts.onProgress?.(run);
        // Progress is saved at most once a second: readers see a live run without a write per page.
        if (Date.now() - lastSaved >= 1000) {
          await app.runs.save(run);
          lastSaved = Date.now();
        }
        if (cut || budget <= 0) {
          await settle(writing.length);
          st.status = 'done';
          st.info = { ...st.info, stoppedAt: 'maxRecords' };
          break;
        }
        if (opts.remainingMs() < opts.safetyMarginMs && !run.dryRun) {
          await settle(writing.length);
          await checkpointDurable();
          handedOff = true;
          break;
        }
      }
      await settle(writing.length);
      if (handedOff) {
        await it.return?.();
        syncHttp(st, base, http.stats, Date.now() - started);
        await app.state.release(integration.id, stream.name, holder);
        return handOff(app, integration, run, seen, log);
      }
      if (st.status === 'running') {
        st.status = 'done';
        if (!run.dryRun) await app.state.checkpoint(integration.id, stream.name, holder, { cursor: durable, runId: run.id, inProgress: false }, leaseTtlMs);
      }
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      st.status = 'failed';
      const reason = scrub((err as Error).message);
      run.errors.unshift({ dataType: stream.name, reason });
      run.errors = run.errors.slice(0, MAX_ERRORS);
      log.warn('stream failed', { stream: stream.name, error: reason, code: (err as AppError).code });
    } finally {
      // Writes still in flight after a failure finish (or fail) before the lease goes.
      await chain.catch(() => undefined);
      syncHttp(st, base, http.stats, Date.now() - started);
      await app.state.release(integration.id, stream.name, holder);
    }
    run.stats = total(run);
    await app.runs.save(run);
  }

  const states = Object.values(run.streams);
  const failed = states.filter((s) => s.status === 'failed').length;
  const skipped = states.filter((s) => s.status === 'skipped').length;
  // A data type that failed fails the run (its cursor stayed put; the next run retries it). Rejected records,
  // a max-records cut or a data type skipped for another run's lease make it partial.
  const status: Run['status'] = failed
    ? 'failed'
    : states.length > 0 && skipped === states.length
      ? 'skipped'
      : skipped || run.stats.failed || budget <= 0
        ? 'partial'
        : 'succeeded';

  if (status === 'succeeded' && run.mode === 'full' && !run.since) {
    if (run.deletionsSkipped) log.info('deletions not evaluated', { reason: run.deletionsSkipped });
    else await deletionPass(app, integration, run, seen, snapshots);
  }
  const error = failed ? run.errors.filter((e) => !e.id).map((e) => `${e.dataType}: ${e.reason}`).join('; ') || 'a data type failed' : null;
  return finish(app, integration, run, status, error, log);
}

/** Records a full run did not see are gone from the source: mark exactly those deleted (never on a failed run). */
async function deletionPass(app: App, integration: IntegrationItem, run: Run, seen: Map<string, Set<string>>, snapshots: Map<string, Map<string, RecordMeta>>) {
  for (const [name, ids] of seen) {
    const st = run.streams[name];
    if (!st || st.status !== 'done' || st.info?.stoppedAt) continue;
    const missing: string[] = [];
    // The run's snapshot (kept current by its writes) already lists what is stored; records a webhook added
    // after it was taken are left alone, which errs on the side of keeping data.
    const snapshot = snapshots.get(name);
    if (snapshot) {
      for (const [id, m] of snapshot) if (!m.deleted && !ids.has(id)) missing.push(id);
    } else for await (const chunk of app.records.liveIds(integration.id, name)) for (const id of chunk) if (!ids.has(id)) missing.push(id);
    if (!missing.length) continue;
    if (run.dryRun) {
      st.deleted += missing.length;
      continue;
    }
    await markDeleted(app.records, integration.id, name, missing);
    st.deleted += missing.length;
  }
  run.stats = total(run);
}

/**
 * Copies the HTTP client's counters into the stream's stats. The client counts this invocation only, so
 * `base` holds what earlier invocations of the run had counted when this one started on the stream.
 */
function syncHttp(st: StreamStats, base: StreamStats, h: { requests: number; retries: number; http429: number; rateLimitWaitMs: number }, durationMs: number) {
  st.requests = base.requests + h.requests;
  st.retries = base.retries + h.retries;
  st.http429 = base.http429 + h.http429;
  st.rateLimitWaitMs = base.rateLimitWaitMs + h.rateLimitWaitMs;
  st.durationMs = base.durationMs + durationMs;
}

function total(run: Run): StreamStats {
  let t = emptyStats();
  for (const s of Object.values(run.streams)) t = addStats(t, s);
  return t;
}

/** Saves what this invocation knows and puts a continuation of the same run on the queue. */
async function handOff(app: App, integration: IntegrationItem, run: Run, seen: Map<string, Set<string>>, log: Logger): Promise<Outcome> {
  run.continuations++;
  run.handoff = true;
  run.stats = total(run);
  await saveSeen(app, run, seen);
  await app.runs.save(run);
  await app.queue.send(integration.type, [{ kind: 'sync', tenantId: integration.tenantId, integrationId: integration.id, runId: run.id, continuation: run.continuations }]);
  log.info('run handed on to a continuation', { continuation: run.continuations, processed: run.stats.processed });
  return 'continued';
}


/** The ids a full run has seen, kept across continuations in chunks that expire with the run. */
async function saveSeen(app: App, run: Run, seen: Map<string, Set<string>>) {
  if (run.mode !== 'full') return;
  const expiresAt = Math.floor(Date.now() / 1000) + 7 * 86400;
  for (const [stream, ids] of seen) {
    const all = [...ids];
    for (let n = 0, i = 0; i < all.length || n === 0; n++, i += 10_000) {
      await app.db.doc.send(
        new PutCommand({ TableName: app.db.table, Item: { ...keys.seen(run.integrationId, run.id, stream, n), ids: all.slice(i, i + 10_000), expiresAt } }),
      );
    }
  }
}

async function loadSeen(app: App, run: Run): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>();
  if (run.mode !== 'full' || !run.continuations) return seen;
  for await (const page of app.db.query({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': keys.owned(run.integrationId), ':sk': `SEEN#${run.id}#` },
  })) {
    for (const item of page.Items ?? []) {
      const stream = (item.SK as string).split('#')[2];
      const set = seen.get(stream) ?? new Set<string>();
      for (const id of item.ids as string[]) set.add(id);
      seen.set(stream, set);
    }
  }
  return seen;
}

/** Closes the run and moves the integration: lastSync, status, error after repeated failures, metrics. */
async function finish(app: App, integration: IntegrationItem, run: Run, status: Run['status'], error: string | null, log: Logger): Promise<Outcome> {
  run.status = status;
  run.error = error;
  run.finishedAt = new Date().toISOString();
  await app.runs.save(run);
  const now = run.finishedAt;
  let updated: IntegrationItem | undefined;
  if (!run.dryRun) {
    updated = await app.integrations.update(integration.tenantId, integration.id, (cur) => {
      if (status === 'skipped') return undefined;
      const next = { ...cur, updatedAt: cur.updatedAt };
      if (status === 'failed') {
        next.consecutiveFailures = cur.consecutiveFailures + 1;
        next.errorMessage = error;
        if (next.consecutiveFailures >= CONSECUTIVE_FAILURES_TO_ERROR) {
          next.status = 'error';
          next.errorSince ??= now;
        }
      } else {
        next.lastSync = now;
        next.consecutiveFailures = 0;
        next.errorMessage = status === 'partial' ? error : null;
        next.errorSince = null;
      }
      return next;
    });
  }
  const s = run.stats;
  await app.metrics.add(integration.id, {
    runs: 1,
    runsSucceeded: status === 'succeeded' ? 1 : 0,
    runsFailed: status === 'failed' ? 1 : 0,
    recordsProcessed: s.processed,
    recordsCreated: run.dryRun ? 0 : s.created,
    recordsUpdated: run.dryRun ? 0 : s.updated,
    recordsDeleted: run.dryRun ? 0 : s.deleted,
    recordsFailed: s.failed,
    requests: s.requests,
  });
  // Notifications never fail a run: a channel that is down has its own delivery log.
  const base = { integrationId: integration.id, integrationName: integration.name, type: integration.type };
  const tell = (event: Parameters<typeof notify>[2], data: Record<string, unknown>) =>
    notify(app, integration.tenantId, event, { ...base, ...data } as never).catch((err) => log.warn('notification failed', { event, error: err as Error }));
  if (!run.dryRun && (status === 'failed' || status === 'succeeded'))
    await tell(status === 'failed' ? 'run.failed' : 'run.succeeded', {
      runId: run.id,
      trigger: run.trigger,
      startedAt: run.startedAt ?? undefined,
      finishedAt: now,
      recordsRead: s.processed,
      recordsChanged: s.created + s.updated + s.deleted,
      ...(error ? { error } : {}),
    });
  if (updated?.status === 'error' && integration.status !== 'error') await tell('integration.error', { error: error ?? undefined, at: now });
  if (!run.dryRun && status !== 'failed' && status !== 'skipped' && integration.errorSince) await tell('integration.recovered', { at: now });
  log.info('run finished', { status, processed: s.processed, created: s.created, updated: s.updated, unchanged: s.unchanged, failed: s.failed, deleted: s.deleted });
  return 'done';
}
