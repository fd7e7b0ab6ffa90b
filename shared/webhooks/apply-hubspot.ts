import { connectorHttp } from '../connectors/context';
import { attachAssociations } from '../connectors/hubspot/associations';
import { discoverProperties, staticProperties } from '../connectors/hubspot/properties';
import { HUBSPOT_STANDARD_TYPES, HubspotConfigSchema, type HubspotConfig } from '../connectors/hubspot/spec';
import { HubspotObjectSchema } from '../connectors/hubspot/wire';
import type { Connector, ReadContext, SourceRecord } from '../connectors/types';
import { AppError, MalformedPageError, isConditionalCheckFailed } from '../errors';
import { createLogger } from '../log';
import type { App } from '../services/app';
import { IntegrationSecrets } from '../services/secrets';
import type { IntegrationItem } from '../store/integrations';
import { UnappliableEventError } from './errors';
import { type HubspotEvent, HubspotEventSchema } from './hubspot';
import type { StoredEvent } from '../store/webhooks';

const log = createLogger({ component: 'webhook-apply', provider: 'hubspot' });

/** `contact.creation` → contacts; `object.*` events name the type by objectTypeId (0-1 contacts, 0-2 companies, 0-3 deals, 0-421 appointments). */
const PREFIX_TYPE: Record<string, string> = { contact: 'contacts', company: 'companies', deal: 'deals' };
const OBJECT_TYPE_ID: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals', '0-421': 'appointments' };

export function hubspotObjectType(e: HubspotEvent, config: HubspotConfig): string {
  const [prefix] = e.subscriptionType.split('.');
  const type = prefix === 'object' ? (e.objectTypeId && (OBJECT_TYPE_ID[e.objectTypeId] ?? e.objectTypeId)) : PREFIX_TYPE[prefix];
  const known = [...HUBSPOT_STANDARD_TYPES, ...(config.customObjects ?? [])] as string[];
  if (!type || !known.includes(type)) throw new UnappliableEventError(`HubSpot ${e.subscriptionType} is for an object type this integration does not sync.`);
  return type;
}

/** Same flattening as the poller (hubspot/stream.ts), so a webhook and a poll store the same record. */
function toRecord(raw: unknown): SourceRecord {
  const parsed = HubspotObjectSchema.safeParse(raw);
  if (!parsed.success) throw new MalformedPageError(`hubspot: object answer does not parse (${parsed.error.issues[0]?.message})`);
  const o = parsed.data;
  return {
    id: o.id,
    data: { ...o.properties, id: o.id, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived ?? false },
    updatedAt: o.updatedAt,
    deleted: o.archived === true,
  };
}

/** Marks records deleted unless we hold a copy newer than the event (a restore that came later). */
async function deleteIfOlder(app: App, integrationId: string, type: string, ids: string[], occurredAt: number): Promise<void> {
  const meta = await app.records.meta(integrationId, type, ids);
  for (const id of ids) {
    const cur = meta.get(id);
    if (!cur || cur.deleted) continue;
    if (cur.sourceUpdatedAt && Date.parse(cur.sourceUpdatedAt) > occurredAt) continue;
    try {
      await app.records.markDeleted(integrationId, type, [id]);
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}

/**
 * Applies one HubSpot event. creation / propertyChange / restore / associationChange: fetch the object by id
 * (`GET /crm/v3/objects/{type}/{id}`, https://developers.hubspot.com/docs/api/crm/contacts) and upsert it, so the
 * record has the poller's shape and the newer `updatedAt` wins (RecordStore.upsert). deletion: mark deleted.
 * merge: refetch the primary, mark the merged ids deleted.
 */
export async function applyHubspotEvent(app: App, i: IntegrationItem, stored: StoredEvent): Promise<string | void> {
  const e = HubspotEventSchema.parse(stored.event);
  const svc = new IntegrationSecrets(app);
  const connector = app.connector('hubspot') as Connector | undefined;
  if (!connector) throw new AppError('connector_missing', 'this worker has no hubspot connector');
  const raw = await svc.openConfig(i);
  const config = HubspotConfigSchema.parse(raw);
  const type = hubspotObjectType(e, config);
  const action = e.subscriptionType.split('.').slice(1).join('.');

  if (action === 'deletion' || action === 'privacyDeletion') {
    if (e.objectId === undefined) throw new UnappliableEventError('HubSpot deletion event without objectId.');
    await deleteIfOlder(app, i.id, type, [String(e.objectId)], e.occurredAt);
    return;
  }

  const save = (patch: Record<string, unknown>) => svc.saveSecrets(i, patch);
  const http = connectorHttp(connector, raw, { integrationId: i.id, log, save, limits: app.limits });
  const ctx: ReadContext<HubspotConfig> = {
    connector: 'hubspot', integrationId: i.id, tenantId: i.tenantId, stream: type, config, mode: 'incremental', resuming: false, http, log, saveSecrets: save,
  };
  const properties = staticProperties(type, config.properties) ?? (await discoverProperties(ctx as ReadContext<unknown>, type));

  const fetchOne = async (id: string): Promise<SourceRecord | undefined> => {
    const url = `/crm/v3/objects/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
    const res = await http.request({ url, query: { properties: properties.join(','), archived: false }, stream: type, okStatuses: [404] });
    if (res.status === 404) return undefined;
    return toRecord(res.body);
  };

  let ids: string[];
  if (action === 'merge') {
    if (e.primaryObjectId === undefined) throw new UnappliableEventError('HubSpot merge event without primaryObjectId.');
    ids = [String(e.primaryObjectId)];
    const merged = (e.mergedObjectIds ?? []).map(String).filter((id) => id !== ids[0]);
    await deleteIfOlder(app, i.id, type, merged, e.occurredAt);
  } else if (['creation', 'propertyChange', 'restore', 'associationChange'].includes(action)) {
    const id = e.objectId ?? e.fromObjectId;
    if (id === undefined) throw new UnappliableEventError(`HubSpot ${e.subscriptionType} event without objectId.`);
    ids = [String(id)];
  } else {
    throw new UnappliableEventError(`HubSpot ${e.subscriptionType} events are not applied.`);
  }

  const records: SourceRecord[] = [];
  for (const id of ids) {
    const rec = await fetchOne(id);
    // Gone since the event (deleted or merged away): the deletion event will say so; nothing to upsert.
    if (rec) records.push(rec);
  }
  if (!records.length) return 'object no longer exists at HubSpot';
  if (type === 'contacts') await attachAssociations(ctx as ReadContext<unknown>, type, records, config.associations);
  const w = await app.records.upsert(i.id, type, records);
  return w.stale ? 'a newer copy was already stored' : undefined;
}
