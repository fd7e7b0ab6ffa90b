import { ulid } from 'ulid';
import { secretFields, targetFields } from '../connectors/secret';
import { syncsFromSource, type ConnectorSpec } from '../connectors/types';
import { AppError, ConflictError, ValidationError } from '../errors';
import { createLogger } from '../log';
import { deletePartition } from '../store/records';
import { keys } from '../store/keys';
import type { IntegrationItem } from '../store/integrations';
import type { Run, RunTrigger } from '../store/runs';
import { newRun } from '../store/runs';
import { parse } from '../validate';
import type { App } from './app';
import { IntegrationSecrets } from './secrets';
import { assertNoUrlCredentials } from './url-credentials';
import { MASK } from './views';
import { CreateIntegrationSchema, PatchIntegrationSchema, SyncRequestSchema, type SyncRequest } from './schemas';

const log = createLogger({ service: 'integrations' });

/** Integration lifecycle: validate against the connector's schema, seal secrets, store, test, sync. */
export class IntegrationService {
  private readonly secrets: IntegrationSecrets;

  constructor(readonly app: App) {
    this.secrets = new IntegrationSecrets(app);
  }

  async create(tenantId: string, body: unknown): Promise<IntegrationItem> {
    const input = parse(CreateIntegrationSchema, body);
    const spec = this.secrets.spec(input.type);
    const config = parse(spec.configSchema, input.config, 'config') as Record<string, unknown>;
    assertNoUrlCredentials(spec, config);
    const id = ulid().toLowerCase();
    const now = new Date().toISOString();
    const item: IntegrationItem = {
      id,
      tenantId,
      name: input.name,
      type: input.type,
      config: await this.secrets.sealSecrets(spec, config, { tenantId, integrationId: id }),
      status: input.status,
      syncInterval: input.syncInterval,
      lastSync: null,
      // A type that does not sync from a source (destination-only, imported) is never scheduled.
      nextSyncAt: syncsFromSource(spec) ? now : null,
      errorMessage: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.app.integrations.create(item);
    // Webhook URLs carry no tenant: a pointer maps the integration id back to its tenant and type.
    if (spec.webhooks) await this.app.webhooks.putPointer(id, tenantId, item.type);
    log.info('integration created', { tenantId, integrationId: id, type: item.type });
    return item;
  }

  /**
   * Partial update. Config is merged over the stored one; a secret field that is omitted or sent as "***"
   * keeps its sealed value. A stale `ifMatch` version answers 409. Editing an integration in `error`
   * makes it active again (it is rescheduled).
   */
  async patch(tenantId: string, id: string, body: unknown, ifMatch?: number): Promise<IntegrationItem> {
    const input = parse(PatchIntegrationSchema, body);
    const cur = await this.app.integrations.require(tenantId, id);
    if (ifMatch !== undefined && ifMatch !== cur.version) throw new ConflictError(`The integration is at version ${cur.version}, not ${ifMatch}.`);
    const spec = this.secrets.spec(cur.type);
    const next: IntegrationItem = { ...cur, updatedAt: new Date().toISOString() };
    if (input.name !== undefined) next.name = input.name;
    if (input.syncInterval !== undefined) next.syncInterval = input.syncInterval;
    if (input.config) {
      const secrets = secretFields(spec.configSchema);
      const kept: string[] = [];
      const merged: Record<string, unknown> = { ...cur.config };
      for (const [k, v] of Object.entries(input.config)) {
        if (secrets.includes(k) && (v === MASK || v === undefined)) continue;
        merged[k] = v;
      }
      for (const s of secrets) if (merged[s] === cur.config[s] && cur.config[s] !== undefined) kept.push(s);
      // Kept secrets are already sealed: the schema sees their sealed values, and any complaint about a kept
      // secret's format is not the client's (it was valid when it was sealed).
      const r = spec.configSchema.safeParse(merged);
      const issues = r.success ? [] : r.error.issues.filter((i) => !kept.includes(String(i.path[0])));
      if (issues.length) parse(spec.configSchema, merged, 'config');
      const parsed = (r.success ? r.data : merged) as Record<string, unknown>;
      assertSecretsResupplied(spec, cur.config, parsed, kept);
      assertNoUrlCredentials(spec, parsed);
      const fresh = Object.fromEntries(Object.entries(parsed).filter(([k]) => !kept.includes(k)));
      next.config = {
        ...(await this.secrets.sealSecrets(spec, fresh, { tenantId, integrationId: id })),
        ...Object.fromEntries(kept.map((k) => [k, cur.config[k]])),
      };
    }
    if (input.status) next.status = input.status;
    else if (cur.status === 'error') next.status = 'active';
    if (next.status === 'active' && cur.status !== 'active') {
      next.consecutiveFailures = 0;
      next.errorMessage = null;
      if (syncsFromSource(spec)) next.nextSyncAt = new Date().toISOString();
    }
    return this.app.integrations.put(next, cur.version);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.app.integrations.require(tenantId, id);
    // The integration item goes first so nothing new is scheduled; then its secrets, state, runs, records.
    await this.app.integrations.delete(tenantId, id);
    for (const pk of [keys.owned(id), keys.recordsPk(id), `EVENT#${id}`, `EVENTLOG#${id}`, `WEBHOOK#${id}`, `WEBHOOKCFG#${id}`, `OPTOUT#${id}`]) await deletePartition(this.app.db, pk);
    log.info('integration deleted', { tenantId, integrationId: id });
  }

  /** Creates a queued run and puts it on the connector's queue (manual, CLI and scheduled syncs alike). */
  async requestSync(i: IntegrationItem, body: unknown, trigger: RunTrigger): Promise<Run> {
    const opts: SyncRequest = parse(SyncRequestSchema, body ?? {});
    const spec = this.secrets.spec(i.type);
    if (spec.destinationOnly)
      throw new AppError('nothing_to_sync', `A ${i.type} integration is only written to (by flow actions); it has nothing to sync.`, 400);
    if (spec.imported)
      throw new AppError('nothing_to_sync', `A ${i.type} integration has nothing to sync: its records arrive by POST /api/integrations/${i.id}/import.`, 400);
    if (opts.dataTypes) {
      const known = spec.dataTypes(i.config as never);
      const unknown = opts.dataTypes.filter((d) => !known.includes(d));
      if (unknown.length)
        throw new ValidationError(`Unknown data types: ${unknown.join(', ')}. Known: ${known.join(', ')}.`, unknown.map((d) => ({ path: 'dataTypes', message: `unknown data type ${d}` })));
    }
    const run = newRun(i, opts, trigger);
    await this.app.runs.create(run);
    await this.app.queue.send(i.type, [{ kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 }]);
    return run;
  }
}

/**
 * A stored secret only goes where its owner sent it: when a PATCH moves a field that decides where secrets are
 * sent (`sendsSecrets` in the spec), each stored secret sent there must be in the same request, or it could be
 * read back by pointing the integration at another host.
 */
function assertSecretsResupplied(spec: ConnectorSpec, before: Record<string, unknown>, after: Record<string, unknown>, kept: string[]): void {
  const moved = Object.entries(targetFields(spec.configSchema)).filter(([f]) => JSON.stringify(after[f]) !== JSON.stringify(before[f]));
  const missing = [...new Set(moved.flatMap(([, sent]) => sent.filter((s) => kept.includes(s))))];
  if (!missing.length) return;
  const fields = moved.map(([f]) => `config.${f}`).join(', ');
  throw new ValidationError(
    `Changing ${fields} needs the secrets sent there supplied again: ${missing.map((m) => `config.${m}`).join(', ')}.`,
    missing.map((m) => ({ path: `config.${m}`, message: `must be supplied again when ${fields} changes` })),
  );
}
