import { getPath } from '../connectors/rest';
import type { SourceRecord } from '../connectors/types';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { parseCdkEvent } from './cdk';
import { UnappliableEventError } from './errors';
import { type StoredEvent } from '../store/webhooks';

const ENTITY_TYPE: Record<string, string> = { customer: 'customers', appointment: 'appointments' };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * CDK (Fortellis Event Relay): customer.created / customer.updated → customers, appointment.scheduled →
 * appointments, upserted by the record id the payload carries; the payload's change time, when present, makes
 * the newer copy win. Seed 002 names these three events; others are logged as failed, not retried.
 */
export async function applyCdkEvent(app: App, i: IntegrationItem, stored: StoredEvent): Promise<string | void> {
  let ev;
  try {
    ev = parseCdkEvent(Buffer.from(String(stored.event.body ?? ''), 'utf8'));
  } catch {
    throw new UnappliableEventError('CDK event body is not JSON.');
  }
  if (!ev.type) throw new UnappliableEventError(`CDK event type ${ev.rawType ?? '(none)'} is not applied.`);
  if (!ev.recordId) throw new UnappliableEventError(`CDK ${ev.type} event carries no record id.`);
  const entity = ev.type.split('.')[0];
  const p = ev.payload;
  const member = [p[entity], isObject(p.data) ? p.data[entity] : undefined, p.data, p.payload].find(isObject);
  const data = { ...(member ?? p), id: ev.recordId };
  const w = await app.records.upsert(i.id, ENTITY_TYPE[entity], [{ id: ev.recordId, data, updatedAt: ev.occurredAt }]);
  return w.stale ? 'a newer copy was already stored' : undefined;
}

/**
 * Generic webhooks (custom_api): with a configured `dataType`, the body's object (or array of objects) is
 * upserted keyed by `idPath`; otherwise the body is kept as a `webhook_events` record keyed by its event key.
 */
export async function applyGenericEvent(app: App, i: IntegrationItem, stored: StoredEvent): Promise<string | void> {
  const cfg = await app.webhooks.config(i.id);
  const text = String(stored.event.body ?? '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!cfg?.dataType) {
    await app.records.upsert(i.id, 'webhook_events', [{ id: stored.eventKey, data: { receivedAt: stored.receivedAt, body: json ?? text } }]);
    return;
  }
  const items = Array.isArray(json) ? json : [json];
  const records: SourceRecord[] = [];
  for (const item of items) {
    if (!isObject(item)) throw new UnappliableEventError('The webhook body is not a JSON object or array of objects.');
    const id = getPath(item, cfg.idPath ?? 'id');
    if (typeof id !== 'string' && typeof id !== 'number') throw new UnappliableEventError(`A webhook object has no id at ${cfg.idPath ?? 'id'}.`);
    records.push({ id: String(id), data: item });
  }
  const { rejected } = await app.records.upsert(i.id, cfg.dataType, records);
  if (rejected.length) return `${rejected.length} of ${records.length} records not stored: ${rejected.map((r) => `${r.id}: ${r.reason}`).join('; ')}`;
}
