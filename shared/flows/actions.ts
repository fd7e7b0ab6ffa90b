import { createHash } from 'node:crypto';
import { ACTION_INTEGRATIONS, compileAction, METRIC_TYPES, OptOutStore, senders, stepNames, submitSeries, type Action, type ActionOutcome } from '../actions';
import { connectorHttp, parseConfig } from '../connectors/context';
import { AppError, ValidationError, type ErrorDetail } from '../errors';
import type { Destination } from '../destinations/types';
import type { HttpClient } from '../http/client';
import { createLogger, scrub } from '../log';
import { FLOWS_QUEUE, MAX_DELAY_S, type FlowRunMessage } from '../queue/types';
import type { App } from '../services/app';
import { IntegrationSecrets } from '../services/secrets';
import { integrationMailer, MAIL_TYPES } from '../services/mailer';
import type { Mailer } from '../mail/types';
import type { ActionFigures } from '../actions/types';
import { ActionStepStore, stepDue, type ActionStep } from './action-steps';
import { compileFilter, type CompiledFilter } from './filter';
import type { FlowItem, FlowRun } from './store';
import { renderContext } from '../mapping/context';

const log = createLogger({ component: 'flow-actions' });

/** The "target" of a flow of actions only: every record passes, nothing is written anywhere but the ledger. */
export const noTarget: Destination = {
  type: 'none',
  batchSize: 100,
  checkTarget: () => [],
  deliver: async (_ctx, items) => items.map((i) => ({ ok: true, targetId: i.targetId ?? null, action: 'none' })),
};
const MAX_ERRORS = 20;

/** A record that reached the end of its target step (or a flow without a target), with its ledger entry's steps. */
export interface ActionItem {
  sourceId: string;
  data: Record<string, unknown>;
  steps?: Record<string, ActionStep>;
  /** The ledger entry's `actionRetry` flag as read. */
  retry?: true;
}


interface Prepared {
  action: Action;
  name: string;
  when?: CompiledFilter;
  render: ReturnType<typeof compileAction>;
}

/** Everything about `actions` and `runMetrics` a save must refuse: templates, filters, names, integrations of the wrong type. */
export async function checkActions(app: App, tenantId: string, flow: Pick<FlowItem, 'actions' | 'runMetrics'>): Promise<void> {
  const actions = flow.actions ?? [];
  const problems: ErrorDetail[] = [];
  const names = stepNames(actions);
  names.forEach((n, i) => names.indexOf(n) !== i && problems.push({ path: `actions.${i}.name`, message: `step name ${n} is used twice` }));
  const wanted: Array<[string, string, string[]]> = actions.map((a, i) => [`actions.${i}.integrationId`, a.integrationId, ACTION_INTEGRATIONS[a.type]]);
  if (flow.runMetrics) wanted.push(['runMetrics.integrationId', flow.runMetrics.integrationId, ['datadog']]);
  for (const [path, id, types] of wanted) {
    const i = await app.integrations.get(tenantId, id);
    if (!i) problems.push({ path, message: 'no such integration' });
    else if (!types.includes(i.type)) problems.push({ path, message: `a ${i.type} integration; this needs ${types.join(' or ')}` });
  }
  if (problems.length) throw new ValidationError(`Invalid actions: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  actions.forEach((a, i) => prepare(a, names[i], i));
}

function prepare(action: Action, name: string, i: number): Prepared {
  return { action, name, when: action.when ? compileFilter(action.when, `actions.${i}.when`) : undefined, render: compileAction(action, `actions.${i}`) };
}

/**
 * The per-record action step of a flow run: after the target write (or in place of one), each action whose
 * `when` matches is done once per source record: claimed in the record's ledger entry, rendered, sent through its
 * integration's own client (its limits, 429 waits, retries), and its result written back. Figures go to
 * `run.actions.<step>`, refusals to the run's errors.
 */
export class ActionRunner {
  private readonly steps: ActionStepStore;
  private readonly optOuts: OptOutStore;
  private readonly clients = new Map<string, Promise<Opened>>();
  private readonly deferred = new Map<number, string[]>();
  failed = 0;

  private constructor(
    private readonly app: App,
    private readonly flow: FlowItem,
    private readonly run: FlowRun,
    private readonly prepared: Prepared[],
    private readonly opts: { now: () => number; sleep?: (ms: number) => Promise<void> },
  ) {
    this.steps = new ActionStepStore(app.db, flow.id);
    this.optOuts = new OptOutStore(app.db);
    run.actions = Object.fromEntries(prepared.map((p) => [p.name, { sent: 0, failed: 0, skipped: 0, deferred: 0, filtered: 0, done: 0 }]));
  }

  /** Undefined for a flow without actions. A dry run's runner sends nothing: it renders each step into the run's preview. */
  static create(app: App, flow: FlowItem, run: FlowRun, opts: { now: () => number; sleep?: (ms: number) => Promise<void> }): ActionRunner | undefined {
    const actions = flow.actions ?? [];
    if (!actions.length) return undefined;
    const names = stepNames(actions);
    return new ActionRunner(app, flow, run, actions.map((a, i) => prepare(a, names[i], i)), opts);
  }

  async process(items: ActionItem[]): Promise<void> {
    for (const item of items) {
      for (const p of this.prepared) await this.step(item, p);
      // The flag `POST /retry` selects by follows whether any step is worth trying again.
      const retry = Object.values(item.steps ?? {}).some((s) => s.status === 'failed' && s.retryable);
      if (retry !== (item.retry === true)) await this.steps.flagRetry(item.sourceId, retry);
    }
  }

  private async step(item: ActionItem, p: Prepared): Promise<void> {
    const figures = this.run.actions![p.name];
    const prev = item.steps?.[p.name];
    const now = this.opts.now();
    if (!stepDue(prev, now)) {
      figures.done++;
      return;
    }
    const env = { now, timeZone: this.flow.timeZone };
    if (p.when && !(await p.when.matches(item.data, env))) {
      figures.filtered++;
      return;
    }
    if (this.run.dryRun) {
      const entry = this.run.preview?.find((e) => e.sourceId === item.sourceId);
      if (entry) (entry.actions ??= {})[p.name] = { type: p.action.type, ...this.fields(item, p) };
      return;
    }
    const at = new Date(now).toISOString();
    if (!(await this.steps.claim(item.sourceId, p.name, prev, item.steps !== undefined, at))) {
      figures.done++;
      return;
    }
    (item.steps ??= {})[p.name] = { status: 'sending', at, attempts: (prev?.attempts ?? 0) + 1 };
    const outcome = await this.send(item, p).catch((err: unknown): ActionOutcome => {
      if (!(err instanceof AppError)) throw err;
      return { status: 'failed', reason: scrub(err.message), retryable: err.statusCode >= 500 };
    });
    const done: ActionStep = { status: outcome.status, at: new Date(Math.max(this.opts.now(), now + 1)).toISOString(), attempts: (prev?.attempts ?? 0) + 1 };
    if (outcome.status === 'sent' && outcome.id) done.id = outcome.id;
    if (outcome.status !== 'sent') done.reason = outcome.reason;
    if (outcome.status === 'failed') done.retryable = outcome.retryable;
    if (outcome.status === 'deferred') {
      done.until = new Date(outcome.until).toISOString();
      this.deferred.set(outcome.until, [...(this.deferred.get(outcome.until) ?? []), item.sourceId]);
    }
    if (!(await this.steps.finish(item.sourceId, p.name, at, done))) log.warn('action step written concurrently', { flowId: this.flow.id, sourceId: item.sourceId, step: p.name });
    item.steps[p.name] = done;
    figures[outcome.status]++;
    if (outcome.status === 'failed') {
      this.failed++;
      if (this.run.errors.length < MAX_ERRORS) this.run.errors.push({ sourceId: item.sourceId, target: `action ${p.name}`, reason: outcome.reason });
    }
  }

  private async send(item: ActionItem, p: Prepared): Promise<ActionOutcome> {
    const sender = senders[p.action.type];
    const { http, config, mailer } = await this.client(p.action.integrationId);
    const fields = this.fields(item, p);
    const deliveryId = createHash('sha256').update(`${this.flow.id}\n${item.sourceId}\n${p.name}`).digest('hex').slice(0, 32);
    return sender.send({ http, config, mailer, integrationId: p.action.integrationId, deliveryId, now: this.opts.now, optOuts: this.optOuts }, p.action, fields);
  }

  private fields(item: ActionItem, p: Prepared): Record<string, unknown> {
    const sender = senders[p.action.type];
    return p.render.render(item.data, renderContext(this.flow.country, this.flow.timeZone), sender.prepare && ((f) => sender.prepare!(item.data, f)));
  }

  /** One client per integration for the run, from its connector's HTTP setup (rate limit shared through App.limits). */
  private client(integrationId: string): Promise<Opened> {
    let c = this.clients.get(integrationId);
    if (!c) {
      c = integrationClient(this.app, this.flow.tenantId, integrationId, this.opts.sleep);
      this.clients.set(integrationId, c);
    }
    return c;
  }

  /**
   * Queues a follow-up run for the records whose steps were deferred (quiet hours), due when they are: the
   * message carries `notBefore`, and the worker puts it back until then.
   */
  async finish(newRun: (sourceIds: string[]) => Promise<FlowRun>): Promise<void> {
    for (const [until, sourceIds] of this.deferred) {
      const run = await newRun(sourceIds);
      await this.app.queue.send(FLOWS_QUEUE, [{ kind: 'flow', tenantId: this.flow.tenantId, flowId: this.flow.id, runId: run.id, notBefore: until }], { delaySeconds: delayOf(until, this.opts.now()) });
    }
  }
}

type Opened = { http: HttpClient; config: Record<string, unknown>; mailer?: Mailer };

/** An action's integration opened for the run: its own HTTP client, or for mail its mailer (shared/mail). */
async function integrationClient(app: App, tenantId: string, integrationId: string, sleep?: (ms: number) => Promise<void>): Promise<Opened> {
  const i = await app.integrations.get(tenantId, integrationId);
  if (i && MAIL_TYPES.includes(i.type)) return { http: undefined as never, config: {}, mailer: await integrationMailer(app, tenantId, integrationId, { log, sleep }) };
  const connector = i && app.connector(i.type);
  if (!i || !connector) throw new AppError('action_integration_unavailable', `The action's integration ${integrationId} is gone or cannot be written to.`, 409);
  const svc = new IntegrationSecrets(app);
  const config = parseConfig(connector, await svc.openConfig(i));
  const http = connectorHttp(connector, config, { integrationId: i.id, log, save: (patch) => svc.saveSecrets(i, patch), sleep, limits: app.limits });
  return { http, config };
}

const delayOf = (until: number, now: number) => Math.min(MAX_DELAY_S, Math.max(0, Math.ceil((until - now) / 1000)));

/** A flow message not due yet goes back on the queue, delayed towards `notBefore` (SQS delays at most 15 minutes). */
export async function putBack(app: App, msg: FlowRunMessage): Promise<void> {
  await app.queue.send(FLOWS_QUEUE, [msg], { delaySeconds: Math.max(1, delayOf(msg.notBefore!, Date.now())) });
}

/** The run's figures as Datadog gauges (`<prefix>.records_processed` …, tagged flow, status), when the flow asks for them. */
export async function sendRunMetrics(app: App, flow: FlowItem, run: FlowRun, opts: { now: () => number; sleep?: (ms: number) => Promise<void> }): Promise<void> {
  const m = flow.runMetrics;
  if (!m || run.dryRun) return;
  const ts = Math.floor(opts.now() / 1000);
  const actions = Object.values(run.actions ?? {});
  const values: Record<string, number> = {
    records_processed: run.sync_summary.records_processed,
    successful_transfers: run.sync_summary.successful_transfers,
    failed_transfers: run.sync_summary.failed_transfers,
    duplicates_skipped: run.sync_summary.duplicates_skipped,
    created: run.stats.created,
    updated: run.stats.updated,
    unchanged: run.stats.unchanged,
    filtered: run.stats.filtered,
    duration_seconds: run.stats.durationMs / 1000,
    actions_sent: actions.reduce((n, a) => n + a.sent, 0),
    actions_failed: actions.reduce((n, a) => n + a.failed, 0),
  };
  const tags = [`flow:${flow.id}`, `status:${run.status}`, `trigger:${run.trigger}`, ...m.tags];
  const series = Object.entries(values).map(([k, value]) => ({ metric: `${m.prefix}.${k}`, type: METRIC_TYPES.gauge, points: [{ timestamp: ts, value }], tags }));
  try {
    const { http } = await integrationClient(app, flow.tenantId, m.integrationId, opts.sleep);
    await submitSeries(http, series);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    log.warn('run metrics not sent', { flowId: flow.id, runId: run.id, error: err });
    if (run.errors.length < MAX_ERRORS) run.errors.push({ sourceId: '', target: 'runMetrics', reason: scrub(err.message) });
  }
}
