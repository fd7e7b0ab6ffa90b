import { randomUUID } from 'node:crypto';
import { parseConfig } from '../connectors/context';
import { AppError } from '../errors';
import { createLogger, scrub, type Logger } from '../log';
import type { Stream } from '../connectors/types';
import { MAX_DELAY_S, type SyncMessage } from '../queue/types';
import type { App } from '../services/app';
import { IntegrationSecrets } from '../services/secrets';
import type { IntegrationItem } from '../store/integrations';
import type { Run } from '../store/runs';
import { deletionPass } from './deletions';
import { closeRun, recordMetrics, updateHealth, type RunFinished } from './finish';
import { totals } from './stats';
import type { EngineOptions, RunScope } from './scope';
import { syncStream } from './stream';

export { WRITE_AHEAD } from './pipeline';
export type { RunFinished } from './finish';
export type { EngineOptions } from './scope';

/**
 * What happened to a queue message. `busy`: another delivery of the same run holds a stream; try later.
 * `retry`: a transient source error paused the run at its checkpoints; redeliver the message later.
 * `deferred`: the run waits for a time the source named (a daily budget reopening); a delayed copy of the
 * message is on the queue, so this one is done and no receive count is spent on waiting.
 */
export type Outcome = 'done' | 'continued' | 'busy' | 'retry' | 'deferred' | 'ignored';

/** A pause whose retry time is further off than this waits on a delayed message, not on redeliveries (5 before the DLQ). */
export const DEFER_AFTER_MS = 60_000;

/** A stream's lease lapses this long after its last renewal: a dead reader frees it quickly. */
export const LEASE_TTL_MS = 15_000;

/** The message's outcome and, when this invocation ended the run, the run's end (for notifications). */
export interface RunResult {
  outcome: Outcome;
  /** For `retry`: the earliest time (epoch ms) the source said a retry can succeed. */
  retryAt?: number;
  finished?: RunFinished;
}

/**
 * Executes (or resumes) one sync run: reads each data type under its lease (`syncStream`), hands the run on
 * to a continuation before the Lambda's time runs out, and at the end decides the run's status, marks what a
 * clean full run did not see deleted, and closes the run, the integration's health and the daily metrics.
 */
export async function executeRun(app: App, msg: SyncMessage, opts: EngineOptions): Promise<RunResult> {
  if (msg.notBefore !== undefined && msg.notBefore > Date.now()) return defer(app, msg);
  const begun = await beginRun(app, msg, opts);
  if (!('scope' in begun)) return begun;
  const { scope, streams } = begun;
  const { run } = scope;
  for (const stream of streams) {
    const prior = run.streams[stream.name];
    if (prior && prior.status && prior.status !== 'running') continue;
    if (scope.budget <= 0) break;
    const end = await syncStream(scope, stream);
    if (end === 'busy') return { outcome: 'busy' };
    if (end === 'handoff') return handOff(scope);
    if (end === 'paused') return pause(scope);
  }
  const { status, failed } = runStatus(run, scope.budget);
  if (status === 'succeeded' && run.mode === 'full' && !run.since) {
    if (run.deletionsSkipped) scope.log.info('deletions not evaluated', { reason: run.deletionsSkipped });
    else await deletionPass(app, scope.integration, run, scope.seen, scope.snapshots, new Set(streams.filter((s) => s.stablePaging === false).map((s) => s.name)));
  }
  const error = failed ? run.errors.filter((e) => !e.id).map((e) => `${e.dataType}: ${e.reason}`).join('; ') || 'a data type failed' : null;
  return finish(app, scope.integration, run, status, error, scope.log);
}

/** Loads the run and moves it to running; undefined scope when there is nothing (more) to do. */
async function beginRun(app: App, msg: SyncMessage, opts: EngineOptions): Promise<RunResult | { scope: RunScope; streams: Stream[] }> {
  const integration = await app.integrations.get(msg.tenantId, msg.integrationId);
  const run = await app.runs.get(msg.integrationId, msg.runId);
  if (!integration || !run) return { outcome: 'ignored' };
  if (!['queued', 'running'].includes(run.status)) return { outcome: 'ignored' };
  const log = (opts.log ?? createLogger()).child({ integrationId: integration.id, runId: run.id, connector: integration.type });
  const connector = app.connector(integration.type);
  if (!connector) throw new AppError('connector_missing', `this worker has no connector ${integration.type}`);

  // A run found 'running' without a hand-off was interrupted (crash, timeout), or is still running in another
  // delivery of the same message (its lease then answers 'busy'). If it was interrupted mid-stream, the
  // in-memory record of ids seen so far is gone, so this run must not mark anything deleted.
  const crashed = run.status === 'running' && !run.handoff;
  const handedOn = run.handoff === true;
  if (run.status === 'queued') {
    if (!(await app.runs.markStatus(run, ['queued'], 'running'))) return { outcome: 'ignored' };
    run.status = 'running';
    run.startedAt = new Date().toISOString();
  }
  run.handoff = false;

  const svc = new IntegrationSecrets(app);
  let config: Record<string, unknown>;
  try {
    config = parseConfig(connector, await svc.openConfig(integration));
  } catch (err) {
    return finish(app, integration, run, 'failed', scrub((err as Error).message), log);
  }
  const dataTypes = run.dataTypes ?? connector.dataTypes(config);
  const streams = connector.streams(config).filter((s) => dataTypes.includes(s.name));
  let lastSaved = 0;
  const scope: RunScope = {
    app,
    integration,
    run,
    connector,
    config,
    opts,
    holder: opts.holder ?? randomUUID(),
    leaseTtlMs: opts.leaseTtlMs ?? LEASE_TTL_MS,
    log,
    crashed,
    seen: handedOn && run.mode === 'full' ? await app.seen.load(run.integrationId, run.id) : new Map(),
    snapshots: new Map(),
    budget: run.maxRecords !== undefined ? run.maxRecords - run.stats.processed : Infinity,
    saveSecrets: async (patch) => {
      Object.assign(config, patch);
      await svc.saveSecrets(integration, patch);
    },
    saveProgress: async () => {
      if (Date.now() - lastSaved < 1000) return;
      await app.runs.save(run);
      lastSaved = Date.now();
    },
  };
  return { scope, streams };
}

/**
 * A data type that failed fails the run (its cursor stayed put; the next run retries it). Rejected records,
 * a max-records cut or a data type skipped for another run's lease make it partial.
 */
function runStatus(run: Run, budget: number): { status: Run['status']; failed: number } {
  const states = Object.values(run.streams);
  const failed = states.filter((s) => s.status === 'failed').length;
  const skipped = states.filter((s) => s.status === 'skipped').length;
  const status: Run['status'] = failed
    ? 'failed'
    : states.length > 0 && skipped === states.length
      ? 'skipped'
      : skipped || run.stats.failed || budget <= 0
        ? 'partial'
        : 'succeeded';
  return { status, failed };
}

/** Saves what this invocation knows, so the next invocation of the run carries on where it stopped. */
async function saveForNext(scope: RunScope): Promise<void> {
  const { app, run } = scope;
  run.handoff = true;
  run.stats = totals(run);
  if (run.mode === 'full') await app.seen.save(run.integrationId, run.id, scope.seen);
  await app.runs.save(run);
}

/**
 * Puts the run's message back on its queue, delayed towards `notBefore` (SQS delays at most 15 minutes, so a
 * longer wait is a chain of delayed copies, each acknowledged as the next is sent).
 */
async function defer(app: App, msg: SyncMessage, type?: string): Promise<RunResult> {
  const connectorType = type ?? (await app.integrations.get(msg.tenantId, msg.integrationId))?.type;
  if (!connectorType) return { outcome: 'ignored' };
  const delaySeconds = Math.min(MAX_DELAY_S, Math.max(1, Math.ceil((msg.notBefore! - Date.now()) / 1000)));
  await app.queue.send(connectorType, [msg], { delaySeconds });
  return { outcome: 'deferred', retryAt: msg.notBefore };
}

/** A transient source error: the run stays running, resumable from its checkpoints when the message comes back. */
async function pause(scope: RunScope): Promise<RunResult> {
  await saveForNext(scope);
  const { integration, run, retryAt } = scope;
  if (retryAt !== undefined && retryAt - Date.now() > DEFER_AFTER_MS) {
    scope.log.info('run waits for the source', { processed: run.stats.processed, resumesAt: new Date(retryAt).toISOString() });
    const msg = { kind: 'sync' as const, tenantId: integration.tenantId, integrationId: integration.id, runId: run.id, continuation: run.continuations, notBefore: retryAt };
    return defer(scope.app, msg, integration.type);
  }
  scope.log.info('run paused until the queue redelivers it', { processed: scope.run.stats.processed, retryAt: scope.retryAt });
  return { outcome: 'retry', retryAt: scope.retryAt };
}

/** Puts a continuation of the same run on the queue. */
async function handOff(scope: RunScope): Promise<RunResult> {
  const { app, integration, run } = scope;
  run.continuations++;
  await saveForNext(scope);
  await app.queue.send(integration.type, [{ kind: 'sync', tenantId: integration.tenantId, integrationId: integration.id, runId: run.id, continuation: run.continuations }]);
  scope.log.info('run handed on to a continuation', { continuation: run.continuations, processed: run.stats.processed });
  return { outcome: 'continued' };
}

/** Closes the run, then moves the integration's health and metrics; the caller announces the result. */
async function finish(app: App, integration: IntegrationItem, run: Run, status: Run['status'], error: string | null, log: Logger): Promise<RunResult> {
  await closeRun(app, run, status, error, integration.name);
  const after = await updateHealth(app, integration, run);
  await recordMetrics(app, run);
  const s = run.stats;
  log.info('run finished', { status, processed: s.processed, created: s.created, updated: s.updated, unchanged: s.unchanged, failed: s.failed, deleted: s.deleted });
  return { outcome: 'done', finished: { run, before: integration, after } };
}
