import { ulid } from 'ulid';
import { destinations } from '../destinations';
import { AppError, NotFoundError, ValidationError, type ErrorDetail } from '../errors';
import { createLogger } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { parse } from '../validate';
import { compileFilter } from './filter';
import { CreateFlowSchema, ImportFlowSchema, PatchFlowSchema, RunFlowSchema, type CreateFlow } from './schema';
import { FlowRunStore, FlowStore, LedgerStore, syncSubscription, type FlowItem, type FlowRun, type FlowRunTrigger } from './store';
import { compileMapping } from '../mapping/template';
import { fromSeed003 } from './templates';
import { checkActions } from './actions';
import { checkCallsFlow, expandCallsFlow } from './calls/save';
import { isTemplate } from './calls/settings';
import { requestRun } from './request';

export { emptyFigures, newFlowRun } from './request';

const log = createLogger({ service: 'flows' });

/** Run options: the calls ones only on a calls flow, an office it has (`noEmail` on any flow that mails reports). */
export function checkCallsRun(flow: FlowItem, opts: Pick<FlowRun, 'office' | 'hoursBack' | 'callTypes' | 'noEmail'>): void {
  const given = (['office', 'hoursBack', 'callTypes', 'noEmail'] as const).filter((k) => opts[k] !== undefined && !(k === 'noEmail' && flow.email));
  if (!isTemplate(flow) && given.length) throw new ValidationError(`${given.join(', ')}: only calls_to_leads flows take these`, given.map((path) => ({ path, message: 'only for calls_to_leads flows' })));
  if (opts.office !== undefined && !flow.settings?.offices[opts.office])
    throw new ValidationError(`office: no office "${opts.office}" in the flow's settings`, [{ path: 'office', message: `known offices: ${Object.keys(flow.settings?.offices ?? {}).join(', ') || 'none'}` }]);
}

/** Flow lifecycle: validate (integrations, mapping, filter) when saved, store, and queue runs. */
export class FlowService {
  readonly flows: FlowStore;
  readonly runs: FlowRunStore;
  readonly ledger: LedgerStore;

  constructor(readonly app: App) {
    this.flows = new FlowStore(app.db);
    this.runs = new FlowRunStore(app.db);
    this.ledger = new LedgerStore(app.db);
  }

  async create(tenantId: string, body: unknown): Promise<FlowItem> {
    const input = parse(CreateFlowSchema, expandCallsFlow(body));
    await this.check(tenantId, input);
    const now = new Date().toISOString();
    const flow: FlowItem = {
      ...input,
      id: ulid().toLowerCase(),
      tenantId,
      lastRunAt: null,
      nextRunAt: input.trigger === 'schedule' && input.status === 'active' ? now : null,
      errorMessage: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await syncSubscription(this.app.db, undefined, flow);
    await this.flows.create(flow);
    log.info('flow created', { tenantId, flowId: flow.id });
    return flow;
  }

  /** Partial update; a stale `ifMatch` answers 409. The result is validated as a whole, like a create. */
  async patch(tenantId: string, id: string, body: unknown, ifMatch?: number): Promise<FlowItem> {
    const input = parse(PatchFlowSchema, body);
    const cur = await this.flows.require(tenantId, id);
    if (ifMatch !== undefined && ifMatch !== cur.version) throw new AppError('version_conflict', `The flow is at version ${cur.version}, not ${ifMatch}.`, 409);
    const next: FlowItem = { ...cur, ...input, updatedAt: new Date().toISOString() } as FlowItem;
    if (!input.status && cur.status === 'error') next.status = 'active';
    const whole = parse(CreateFlowSchema, expandCallsFlow(pickFlowFields(next)));
    await this.check(tenantId, whole);
    if (whole.template) Object.assign(next, { mapping: whole.mapping, match: whole.match, settings: whole.settings });
    if (next.trigger !== 'schedule' || next.status !== 'active') next.nextRunAt = null;
    else if (cur.trigger !== 'schedule' || cur.status !== 'active' || !cur.nextRunAt) next.nextRunAt = new Date().toISOString();
    if (next.status === 'active') next.errorMessage = null;
    const saved = await this.flows.put(next, cur.version);
    await syncSubscription(this.app.db, cur, saved);
    return saved;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const cur = await this.flows.require(tenantId, id);
    await this.flows.delete(tenantId, id);
    await syncSubscription(this.app.db, cur, undefined);
  }

  /** seed 003's template JSON → an ordinary flow. */
  async import(tenantId: string, body: unknown): Promise<FlowItem> {
    const input = parse(ImportFlowSchema, body);
    const [source, target] = await Promise.all([
      this.integration(tenantId, input.sourceIntegrationId, 'sourceIntegrationId'),
      this.integration(tenantId, input.targetIntegrationId, 'targetIntegrationId'),
    ]);
    return this.create(tenantId, fromSeed003(input, source.type, target.type));
  }

  requestRun(flow: FlowItem, body: unknown, trigger: FlowRunTrigger): Promise<FlowRun> {
    const opts = parse(RunFlowSchema, body ?? {});
    checkCallsRun(flow, opts);
    return requestRun(this.app, flow, trigger, opts);
  }

  private async integration(tenantId: string, id: string, path: string): Promise<IntegrationItem> {
    const i = await this.app.integrations.get(tenantId, id);
    if (!i) throw new AppError('integration_not_found', `${path}: the integration was not found.`, 404, [{ path, message: 'no such integration' }]);
    return i;
  }

  /** Everything that would otherwise fail a run later: the integrations, the data type, target, mapping, filter. */
  private async check(tenantId: string, f: CreateFlow): Promise<void> {
    const [source, target] = await Promise.all([
      this.integration(tenantId, f.source.integrationId, 'source.integrationId'),
      f.target && this.integration(tenantId, f.target.integrationId, 'target.integrationId'),
    ]);
    const mapping = f.mapping ?? {};
    const problems: ErrorDetail[] = [];
    const known = this.app.specs.get(source.type)?.dataTypes(source.config as never) ?? [];
    if (!known.includes(f.source.dataType)) problems.push({ path: 'source.dataType', message: `${source.type} offers: ${known.join(', ')}` });
    const dest = target && destinations.get(target.type);
    if (target && f.target && !dest) problems.push({ path: 'target.integrationId', message: `a ${target.type} integration cannot be a flow target yet; targets: ${[...destinations.keys()].join(', ')}` });
    else if (dest && f.target) problems.push(...dest.checkTarget(f.target, f));
    problems.push(...checkCallsFlow(f, source, target || undefined));
    for (const m of f.match) if (!(m in mapping)) problems.push({ path: 'match', message: `${m} is not a mapped target field` });
    for (const r of f.required) if (!(r in mapping)) problems.push({ path: 'required', message: `${r} is not a mapped target field` });
    problems.push(...(await this.checkMail(tenantId, f)));
    if (problems.length) throw new ValidationError(`Invalid flow: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
    compileMapping(mapping);
    await checkActions(this.app, tenantId, f);
    if (f.note) {
      if (!dest?.addNotes) throw new ValidationError(`note: a ${target?.type ?? 'missing'} target takes no notes`, [{ path: 'note', message: `${target?.type ?? 'no'} targets take no notes; Zoho and HubSpot do` }]);
      compileMapping(Object.fromEntries(Object.entries(f.note).map(([k, v]) => [`note.${k}`, v])), '');
    }
    if (f.source.filter) compileFilter(f.source.filter);
  }

  /** The integration reports are mailed through must be the tenant's smtp or sendgrid one. */
  private async checkMail(tenantId: string, f: CreateFlow): Promise<ErrorDetail[]> {
    const [path, id] = f.settings?.email?.integrationId ? ['settings.email.integrationId', f.settings.email.integrationId] : ['email.integrationId', f.email?.integrationId];
    if (!id) return [];
    const type = (await this.app.integrations.get(tenantId, id))?.type;
    return type === 'smtp' || type === 'sendgrid' ? [] : [{ path, message: type ? `a ${type} integration sends no mail; use an smtp or sendgrid one` : 'no such integration' }];
  }
}

const FLOW_FIELDS = ['name', 'status', 'source', 'target', 'mapping', 'match', 'required', 'trigger', 'schedule', 'onExisting', 'timeZone', 'country', 'note', 'actions', 'runMetrics', 'template', 'settings', 'email'] as const;
const pickFlowFields = (f: FlowItem) => Object.fromEntries(FLOW_FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, k === 'status' && f.status === 'error' ? 'active' : f[k]]));

export function requireRun(run: FlowRun | undefined): FlowRun {
  if (!run) throw new NotFoundError('run', 'run_not_found');
  return run;
}
