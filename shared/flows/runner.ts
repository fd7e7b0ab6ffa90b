import { connectorHttp, parseConfig } from '../connectors/context';
import { destinations, type DeliveryItem, type DeliveryResult, type Destination } from '../destinations';
import type { DeliveryContext } from '../destinations/types';
import { recordHash } from '../store/hash';
import { AppError, SourceError } from '../errors';
import { createLogger } from '../log';
import type { App } from '../services/app';
import { IntegrationSecrets } from '../services/secrets';
import { keys } from '../store/keys';
import type { StoredRecord } from '../store/record-item';
import { compileFilter } from './filter';
import { emptyFigures, FlowService, newFlowRun } from './service';
import type { FlowItem, FlowRun, LedgerEntry, RunCheckpoint } from './store';
import { FLOWS_QUEUE } from '../queue/types';
import { compileMapping, isEmpty } from '../mapping/template';
import { renderContext } from '../mapping/context';
import { ActionRunner, noTarget, sendRunMetrics, type ActionItem } from './actions';
import { callsPages, callsWork, isCallsFlow } from './calls/flow';
import { reportRun, type ReportOptions } from '../reports/service';

const log = createLogger({ component: 'flow-runner' });

export interface FlowRunnerOptions {
  /** Backoff waits of the target's HTTP client (tests shorten them). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Source records read per page (and ledger entries per BatchGet). */
  pageSize?: number;
  /** Called after each page with the run so far (the CLI's progress line). */
  onProgress?: (run: FlowRun) => void;
  /** How the run's report is mailed (tests trust their SMTP server, record SendGrid waits). */
  report?: ReportOptions;
  /** Milliseconds left in this invocation (Lambda's getRemainingTimeInMillis); absent, the run never hands on. */
  remainingMs?: () => number;
  /** With less than this left after a page, the run saves its checkpoint and queues its continuation. */
  safetyMarginMs?: number;
}

/** Records stored up to this long before the previous run started are read again (the ledger makes that free). */
const LOOKBACK_MS = 5 * 60_000;
const MAX_ERRORS = 20;
/** Source records read per page by default: a few target batches, so the store is asked once per several calls. */
const PAGE_SIZE = 500;
/** The run's progress is saved at most this often while it runs (and always at its end). */
const PROGRESS_EVERY_MS = 1000;
const PREVIEW = 10;

/**
 * Executes one flow run: reads the source data type from our store (changed since the last run, `since`, the
 * realtime change, or the ledger's failures for a retry), filters and maps each record, and delivers in the
 * target's batch size. The ledger makes it idempotent: a payload already delivered is not sent again, a known
 * target record is updated rather than created, and matching (upsert by a unique field, or search first) finds
 * the record a crashed earlier attempt created. A redelivered message therefore simply runs again.
 */
export async function executeFlowRun(app: App, msg: { tenantId: string; flowId: string; runId: string }, opts: FlowRunnerOptions = {}): Promise<FlowRun | undefined> {
  const svc = new FlowService(app);
  const now = opts.now ?? Date.now;
  const flow = await svc.flows.get(msg.tenantId, msg.flowId);
  const run = flow && (await svc.runs.get(flow.id, msg.runId));
  if (!flow || !run || run.status === 'succeeded' || run.status === 'partial' || run.status === 'failed') return run;
  const started = now();
  // A continuation, or a run redelivered after its worker died, goes on from its last checkpoint with the figures
  // saved beside it; without one it starts over (the ledger skips what was delivered) with the figures restarted.
  const resumed = run.status === 'running' ? run.checkpoint : undefined;
  if (!resumed) Object.assign(run, emptyFigures(), { checkpoint: undefined });
  run.status = 'running';
  run.startedAt ??= new Date(started).toISOString();
  await svc.runs.save(run);

  const tally = new Tally(run, flow);
  try {
    // A flow of actions only has no target: its records go straight to the actions.
    const target = flow.target && (await app.integrations.get(flow.tenantId, flow.target.integrationId));
    const dest = flow.target ? target && destinations.get(target.type) : noTarget;
    const connector = target && app.connector(target.type);
    if (!dest || (flow.target && (!target || !connector))) throw new AppError('target_unavailable', `The target integration ${flow.target?.integrationId} is gone or cannot be written to.`, 409);
    const integrations = new IntegrationSecrets(app);
    // A dry run never opens the target's secrets: it sends nothing.
    const config = run.dryRun || !target || !connector ? {} : parseConfig(connector, await integrations.openConfig(target));
    const ctx: DeliveryContext = {
      target: flow.target ?? { integrationId: '' },
      match: flow.match,
      onExisting: flow.onExisting,
      render: renderContext(flow.country, flow.timeZone),
      config,
      http: run.dryRun || !target || !connector
        ? (undefined as never)
        : connectorHttp(connector, config, { integrationId: target.id, log, save: (patch) => integrations.saveSecrets(target, patch), sleep: opts.sleep, limits: app.limits }),
    };
    const actions = ActionRunner.create(app, flow, run, { now, sleep: opts.sleep });
    const calls = isCallsFlow(flow);
    const page = calls ? await callsWork(app, { svc, flow, run, zoho: ctx, tally, now, log, sleep: opts.sleep, actions }) : new PageWork(app, svc, flow, run, dest, ctx, tally, now, actions);
    // Calls runs read a window of calls in office order: they start over when interrupted (their ledger claims skip what is done).
    const pages = calls && run.trigger !== 'retry' && !run.sourceIds ? positionless(callsPages(app, flow, run, started)) : select(app, svc, flow, run, opts.pageSize ?? Math.max(PAGE_SIZE, dest.batchSize), resumed?.position);
    const http = ctx.http && { base: { requests: run.stats.requests, retries: run.stats.retries, http429: run.stats.http429 }, stats: ctx.http.stats };
    const countHttp = () => http && Object.assign(run.stats, { requests: http.base.requests + http.stats.requests, retries: http.base.retries + http.stats.retries, http429: http.base.http429 + http.stats.http429 });
    let savedAt = now();
    let handOn = false;
    for await (const { records, next } of pages) {
      if (!(await page.process(records))) break;
      tally.finish(now() - begun(run), 'running');
      handOn = next !== undefined && opts.remainingMs !== undefined && opts.remainingMs() < (opts.safetyMarginMs ?? 0);
      if (next !== undefined && (handOn || now() - savedAt >= PROGRESS_EVERY_MS)) {
        countHttp();
        run.checkpoint = { position: next, ...tally.sums() };
        await svc.runs.save(run);
        savedAt = now();
      }
      opts.onProgress?.(run);
      if (handOn) break;
    }
    countHttp();
    await actions?.finish(async (sourceIds) => {
      const later = newFlowRun(flow, 'deferred', { dryRun: false, sourceIds });
      await svc.runs.create(later);
      return later;
    });
    if (handOn) {
      // Before the invocation's time runs out: the same run goes on in a fresh invocation from its checkpoint.
      run.continuations = (run.continuations ?? 0) + 1;
      await svc.runs.save(run);
      await app.queue.send(FLOWS_QUEUE, [{ kind: 'flow', tenantId: flow.tenantId, flowId: flow.id, runId: run.id }]);
      log.info('flow run handed on to a continuation', { flowId: flow.id, runId: run.id, continuation: run.continuations, processed: run.sync_summary.records_processed });
      return run;
    }
    tally.finish(now() - begun(run), run.sync_summary.failed_transfers || actions?.failed ? 'partial' : 'succeeded');
  } catch (err) {
    log.error('flow run failed', { flowId: flow.id, runId: run.id, error: err as Error });
    run.error = err instanceof AppError ? err.message : 'The flow run failed unexpectedly.';
    tally.finish(now() - begun(run), 'failed');
  }
  const moveMark = !run.dryRun && (run.status as FlowRun['status']) !== 'failed' && ['manual', 'schedule', 'cli'].includes(run.trigger) && !run.since;
  const updated = await svc.flows.update(flow.tenantId, flow.id, (f) => ({ ...f, ...(moveMark ? { lastRunAt: run.startedAt } : {}) }));
  run.next_sync = updated?.trigger === 'schedule' ? updated.nextRunAt : null;
  await sendRunMetrics(app, flow, run, { now, sleep: opts.sleep });
  await svc.runs.save(run);
  const sum = run.sync_summary;
  await app.activity
    .record(flow.tenantId, { kind: 'flow', runId: run.id, flowId: flow.id, name: flow.name, trigger: run.trigger, status: run.status, dryRun: run.dryRun, startedAt: run.startedAt, finishedAt: run.finishedAt ?? new Date(now()).toISOString(), processed: sum.records_processed, created: run.stats.created, updated: run.stats.updated, failed: sum.failed_transfers, error: run.error })
    .catch((err: unknown) => log.warn('activity entry not written', { flowId: flow.id, runId: run.id, error: err as Error }));
  await reportRun(app, flow, run, opts.report).catch((err) => log.error('flow run report failed', { flowId: flow.id, runId: run.id, error: err as Error }));
  return run;
}

/** A page of source records and where the run goes on after it (undefined: at the end, or nowhere to resume). */
interface SourcePage {
  records: StoredRecord[];
  next?: string | number;
}

const begun = (run: FlowRun) => Date.parse(run.startedAt!);

async function* positionless(pages: AsyncIterable<StoredRecord[]>): AsyncIterable<SourcePage> {
  for await (const records of pages) yield { records };
}

/** The source records a run covers, a page at a time, from `from` (a checkpoint's position) on. */
async function* select(app: App, svc: FlowService, flow: FlowItem, run: FlowRun, pageSize: number, from?: string | number): AsyncIterable<SourcePage> {
  const { integrationId, dataType } = flow.source;
  const byIds = async (ids: string[]) => (await app.db.batchGet(ids.map((id) => keys.record(integrationId, dataType, id)))) as unknown as StoredRecord[];
  if (run.trigger === 'retry') {
    // In ledger order: the position is the last source id done, and the ids after it are still to retry.
    for await (const ids of svc.ledger.failedIds(flow.id, typeof from === 'string' ? from : undefined))
      for (let i = 0; i < ids.length; i += pageSize) {
        const part = ids.slice(i, i + pageSize);
        yield { records: await byIds(part), next: part.at(-1) };
      }
    return;
  }
  if (run.sourceIds) {
    for (let i = typeof from === 'number' ? from : 0; i < run.sourceIds.length; i += pageSize) yield { records: await byIds(run.sourceIds.slice(i, i + pageSize)), next: i + pageSize < run.sourceIds.length ? i + pageSize : undefined };
    return;
  }
  // A realtime flow's own runs see every change; a run asked of it by hand backfills everything its filter selects.
  const mark = run.since ?? (flow.trigger !== 'realtime' && flow.lastRunAt ? new Date(Date.parse(flow.lastRunAt) - LOOKBACK_MS).toISOString() : undefined);
  let cursor = typeof from === 'string' ? from : undefined;
  do {
    const page = await app.records.list(integrationId, { dataType, limit: pageSize, cursor, modifiedAfter: mark && new Date(mark).toISOString() });
    cursor = page.nextCursor ?? undefined;
    if (page.items.length) yield { records: page.items, next: cursor };
  } while (cursor);
}

/** The run's figures in seed 003's shape. */
class Tally {
  private filled = 0;
  private fields = 0;
  private readonly missing = new Map<string, number>();

  constructor(
    readonly run: FlowRun,
    private readonly flow: FlowItem,
  ) {
    const c = run.checkpoint;
    if (c) {
      this.filled = c.filled;
      this.fields = c.fields;
      for (const [f, n] of Object.entries(c.missing)) this.missing.set(f, n);
    }
  }

  /** What completeness and the missing fields are computed from, for a checkpoint. */
  sums(): Pick<RunCheckpoint, 'filled' | 'fields' | 'missing'> {
    return { filled: this.filled, fields: this.fields, missing: Object.fromEntries(this.missing) };
  }

  mapped(payload: Record<string, unknown>, names = Object.keys(this.flow.mapping ?? {})): string[] {
    this.fields += names.length;
    this.filled += names.filter((n) => !isEmpty(payload[n])).length;
    const missing = this.flow.required.filter((f) => isEmpty(payload[f]));
    for (const f of missing) this.missing.set(f, (this.missing.get(f) ?? 0) + 1);
    return missing;
  }

  error(sourceId: string, reason: string, code?: string): void {
    this.run.sync_summary.failed_transfers++;
    this.note(sourceId, reason, code);
  }

  /** A record error that does not fail the transfer (a recording too large to attach). */
  note(sourceId: string, reason: string, code?: string): void {
    if (this.run.errors.length < MAX_ERRORS) this.run.errors.push({ sourceId, target: this.flow.target?.object ?? this.flow.target?.path ?? '', reason, ...(code ? { code } : {}) });
  }

  finish(ms: number, status: FlowRun['status']): FlowRun {
    const r = this.run;
    r.status = status;
    r.stats.durationMs = ms;
    r.sync_summary.sync_duration = `${(ms / 1000).toFixed(1)} seconds`;
    r.data_quality.completeness_score = this.fields ? Math.round((this.filled / this.fields) * 1000) / 1000 : 1;
    r.data_quality.missing_required_fields = [...this.missing].map(([f, n]) => `${f} field empty for ${n} record${n === 1 ? '' : 's'}`);
    if (status !== 'running') r.finishedAt = new Date().toISOString();
    return r;
  }
}

interface Pending {
  item: DeliveryItem;
  prev?: LedgerEntry;
  hash: string;
}

/** One page of source records: filter, map, check, dedupe, compare with the ledger, deliver, record. */
class PageWork {
  private readonly mapping;
  private readonly filter;
  private readonly note;
  /** Match key → the first source id that had it in this run (this invocation's part of it, after a continuation). */
  private readonly seen = new Map<string, string>();
  private processed = 0;
  /** Records whose target step is done (written, unchanged or skipped), for the actions. */
  private ready: ActionItem[] = [];
  /** The page's ledger entries, written together once its deliveries are answered. */
  private entries: { entry: LedgerEntry; prev?: LedgerEntry }[] = [];

  constructor(
    private readonly app: App,
    private readonly svc: FlowService,
    private readonly flow: FlowItem,
    private readonly run: FlowRun,
    private readonly dest: Destination,
    private readonly ctx: DeliveryContext,
    private readonly tally: Tally,
    private readonly now: () => number,
    private readonly actions?: ActionRunner,
  ) {
    this.processed = run.sync_summary.records_processed;
    this.mapping = compileMapping(flow.mapping ?? {});
    this.note = flow.note ? compileMapping(flow.note, 'note.') : undefined;
    this.filter = flow.source.filter ? compileFilter(flow.source.filter) : undefined;
  }

  /** False once `maxRecords` is reached. */
  async process(records: StoredRecord[]): Promise<boolean> {
    const { flow, run, tally } = this;
    const ledger = await this.svc.ledger.getMany(flow.id, records.map((r) => r.externalId));
    const send: Pending[] = [];
    for (const r of records) {
      if (run.maxRecords !== undefined && this.processed >= run.maxRecords) break;
      const prev = ledger.get(r.externalId);
      if (r.deleted || (this.filter && !(await this.filter.matches(r.data, { now: this.now(), timeZone: flow.timeZone })))) {
        run.stats.filtered++;
        if (!prev && !run.dryRun) this.record(r.externalId, prev, { status: 'filtered' });
        continue;
      }
      this.processed++;
      run.sync_summary.records_processed++;
      const payload = this.mapping.render(r.data, this.ctx.render);
      const missing = tally.mapped(payload);
      if (missing.length) {
        run.data_quality.validation_errors++;
        const reason = `missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
        tally.error(r.externalId, reason);
        if (!run.dryRun) this.record(r.externalId, prev, { status: 'failed', lastError: reason });
        continue;
      }
      const key = flow.match.length && flow.match.every((m) => !isEmpty(payload[m])) ? JSON.stringify(flow.match.map((m) => String(payload[m]).toLowerCase())) : undefined;
      const first = key && this.seen.get(key);
      if (first) {
        run.sync_summary.duplicates_skipped++;
        if (!run.dryRun) this.record(r.externalId, prev, { status: 'skipped', lastError: `same ${flow.match.join(', ')} as source record ${first}` });
        continue;
      }
      if (key) this.seen.set(key, r.externalId);
      const hash = recordHash(payload);
      if (prev?.status === 'delivered' && prev.payloadHash === hash) {
        run.stats.unchanged++;
        run.sync_summary.successful_transfers++;
        this.ready.push({ sourceId: r.externalId, data: r.data, steps: prev.actions, retry: prev.actionRetry });
        continue;
      }
      if (prev?.targetId && flow.onExisting === 'skip') {
        run.stats.skipped++;
        run.sync_summary.successful_transfers++;
        this.ready.push({ sourceId: r.externalId, data: r.data, steps: prev.actions, retry: prev.actionRetry });
        continue;
      }
      send.push({ item: { sourceId: r.externalId, payload, data: r.data, ...(prev?.targetId ? { targetId: prev.targetId } : {}) }, prev, hash });
    }
    // Each batch's answers reach the ledger before the next batch is sent: a crash re-sends at most one batch.
    for (let i = 0; i < send.length; i += this.dest.batchSize) {
      await this.deliver(send.slice(i, i + this.dest.batchSize));
      await this.writeLedger();
    }
    await this.writeLedger();
    await this.actions?.process(this.ready.splice(0));
    return run.maxRecords === undefined || this.processed < run.maxRecords;
  }

  private async deliver(batch: Pending[]): Promise<void> {
    const { run } = this;
    if (run.dryRun) {
      for (const p of batch) {
        run.sync_summary.successful_transfers++;
        const action = !this.flow.target ? 'actions only' : p.item.targetId ? 'update' : this.flow.match.length ? 'update or create' : 'create';
        if ((run.preview ??= []).length < PREVIEW) run.preview.push({ sourceId: p.item.sourceId, action, ...(p.item.targetId ? { targetId: p.item.targetId } : {}), payload: p.item.payload });
        this.ready.push({ sourceId: p.item.sourceId, data: p.item.data, steps: p.prev?.actions });
      }
      return;
    }
    const results = await isolate(this.dest, this.ctx, batch.map((p) => p.item));
    await this.addNotes(batch, results);
    batch.forEach((p, i) => {
      const res = results[i];
      if (res.ok) {
        run.sync_summary.successful_transfers++;
        if (res.action === 'created') run.stats.created++;
        else if (res.action === 'updated') run.stats.updated++;
        else if (res.action === 'skipped') run.stats.skipped++;
        this.ready.push({ sourceId: p.item.sourceId, data: p.item.data, steps: p.prev?.actions, retry: p.prev?.actionRetry });
        this.record(p.item.sourceId, p.prev, { status: res.action === 'skipped' ? 'skipped' : 'delivered', targetId: res.targetId, payloadHash: p.hash, lastError: null });
      } else {
        this.tally.error(p.item.sourceId, res.reason);
        this.record(p.item.sourceId, p.prev, { status: 'failed', lastError: res.reason });
      }
    });
  }

  /** The flow's note on every record this batch created or changed; a refused note is a record error, not a failed transfer. */
  private async addNotes(batch: Pending[], results: DeliveryResult[]): Promise<void> {
    if (!this.note || !this.dest.addNotes) return;
    const targets = batch.flatMap((p, i) => {
      const r = results[i];
      if (!r.ok || !r.targetId || r.action === 'skipped') return [];
      const { title, body } = this.note!.render(p.item.data, this.ctx.render);
      return [{ sourceId: p.item.sourceId, targetId: r.targetId, title: title === undefined ? undefined : String(title), body: String(body ?? '') }];
    });
    if (!targets.length) return;
    let reasons: (string | undefined)[];
    try {
      reasons = await this.dest.addNotes(this.ctx, targets);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      reasons = targets.map(() => err.message);
    }
    reasons.forEach((reason, i) => {
      if (!reason) this.run.stats.notes = (this.run.stats.notes ?? 0) + 1;
      else if (this.run.errors.length < MAX_ERRORS) this.run.errors.push({ sourceId: targets[i].sourceId, target: `${this.flow.target?.object} note`, reason });
    });
  }

  private async writeLedger(): Promise<void> {
    const lost = await this.svc.ledger.putMany(this.flow.id, this.entries.splice(0));
    if (lost.length) log.warn('ledger entries written concurrently', { flowId: this.flow.id, sourceIds: lost.slice(0, 10), count: lost.length });
  }

  /** Queues the record's ledger entry; losing to a concurrent writer of the same record is fine (it wrote newer news). */
  private record(sourceId: string, prev: LedgerEntry | undefined, change: Partial<LedgerEntry>): void {
    const entry: LedgerEntry = {
      sourceId,
      targetId: prev?.targetId ?? null,
      payloadHash: prev?.payloadHash ?? null,
      lastError: prev?.lastError ?? null,
      ...(prev?.actions ? { actions: prev.actions } : {}),
      ...(prev?.actionRetry ? { actionRetry: prev.actionRetry } : {}),
      ...change,
      status: change.status!,
      attempts: (prev?.attempts ?? 0) + (change.status === 'delivered' || change.status === 'failed' ? 1 : 0),
      updatedAt: new Date(this.now()).toISOString(),
    };
    if (entry.updatedAt === prev?.updatedAt) entry.updatedAt = new Date(this.now() + 1).toISOString();
    this.entries.push({ entry, ...(prev ? { prev } : {}) });
  }
}

/**
 * Delivers a batch; when the target refuses the whole call for what one record holds (a 4xx other than auth and
 * rate limits), splits it in halves until the bad records stand alone, so one record never fails its neighbours.
 * A target that stays unreachable after the client's retries fails the batch's records with the reason.
 */
async function isolate(dest: Destination, ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]> {
  try {
    return await dest.deliver(ctx, items);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const status = err instanceof SourceError ? err.status : undefined;
    if (items.length > 1 && status !== undefined && status >= 400 && status < 500 && ![401, 403, 429].includes(status)) {
      const mid = Math.ceil(items.length / 2);
      return [...(await isolate(dest, ctx, items.slice(0, mid))), ...(await isolate(dest, ctx, items.slice(mid)))];
    }
    return items.map(() => ({ ok: false, reason: err.message, retryable: err instanceof SourceError && err.retryable }));
  }
}
