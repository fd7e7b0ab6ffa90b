import * as z from 'zod';
import { parseJson } from '../json';
import { safeEqualHashed } from '../crypto/hmac';
import { type Headers, header } from '../crypto/headers';
import { type VerifyResult, fail } from '../crypto/verify-result';

/**
 * CDK Global through the Fortellis Event Relay. Fortellis POSTs the source's raw payload to our sink with the
 * `Authorization` value we configured and a `Fortellis-Event-Id` (uuid) to dedupe on; the sink must answer 202.
 * No HMAC signing is documented, so the configured credential is the whole check.
 * Spec: Fortellis/Fortellis-Event-Relay-Webhook (OpenAPI).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CdkVerifyInput {
  headers: Headers;
  /** The exact Authorization value configured for the sink (e.g. "Bearer …" or "Basic …"). */
  authorization: string;
}

export type CdkVerified = { eventId: string; requestId?: string; dataOwnerId?: string };

export function verifyCdk(input: CdkVerifyInput): VerifyResult<CdkVerified> {
  const got = header(input.headers, 'authorization');
  if (!got) return fail('missing_authorization');
  // Hash both sides so the comparison is constant-time even when the lengths differ.
  if (!input.authorization || !safeEqualHashed(got.trim(), input.authorization.trim())) return fail('bad_authorization');

  const eventId = header(input.headers, 'fortellis-event-id')?.trim();
  if (!eventId) return fail('missing_event_id');
  if (!UUID.test(eventId)) return fail('bad_event_id');
  return {
    ok: true,
    eventId: eventId.toLowerCase(),
    requestId: header(input.headers, 'x-request-id'),
    dataOwnerId: header(input.headers, 'data-owner-id'),
  };
}

/** Fortellis redelivers until it gets a 202 (duplicates possible): the event id is the dedupe key. */
export function cdkEventKey(eventId: string): string {
  return `cdk:${eventId.trim().toLowerCase()}`;
}

/** The event types seed 002 subscribes to. */
export const CdkEventTypeSchema = z.enum(['customer.created', 'customer.updated', 'appointment.scheduled']);
export type CdkEventType = z.infer<typeof CdkEventTypeSchema>;

/** The body is the source's own JSON: everything passes through. */
export const CdkBodySchema = z.looseObject({});

export interface CdkEvent {
  /** Detected type, or null when the payload names none we know. */
  type: CdkEventType | null;
  /** The type string as the payload spelled it. */
  rawType?: string;
  recordId?: string;
  /** ISO time of the change when the payload carries one. */
  occurredAt?: string;
  payload: Record<string, unknown>;
}

const TYPE_FIELDS = ['eventType', 'event_type', 'type', 'event', 'eventName', 'event_name', 'name'];
const TIME_FIELDS = ['occurredAt', 'occurred_at', 'eventTime', 'event_time', 'timestamp', 'updatedAt', 'updated_at', 'createdAt', 'created_at'];
const NESTED = ['data', 'payload', 'event', 'detail'];

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const KNOWN = new Map(CdkEventTypeSchema.options.map((t) => [squash(t), t] as const));

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The object itself, then its usual envelope members (data, payload, event, detail). */
function layers(body: Record<string, unknown>): Record<string, unknown>[] {
  return [body, ...NESTED.map((k) => body[k]).filter(isObject)];
}

function pick(objs: Record<string, unknown>[], fields: string[], accept: (v: unknown) => boolean): unknown {
  for (const obj of objs) for (const f of fields) if (accept(obj[f])) return obj[f];
  return undefined;
}

function toIso(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e12 ? v : v * 1000).toISOString();
  if (typeof v === 'string' && v.trim()) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

/**
 * Parses a verified CDK body and detects the event type ("customer.created", "CUSTOMER_CREATED",
 * "CustomerCreated" all match), the record id and the change time where present. Throws BadJsonError / TooDeepError.
 */
export function parseCdkEvent(body: Buffer): CdkEvent {
  const json = parseJson(body.toString('utf8'));
  const parsed = CdkBodySchema.safeParse(json);
  if (!parsed.success) return { type: null, payload: { value: json } };
  const payload = parsed.data;
  const objs = layers(payload);

  const rawType = pick(objs, TYPE_FIELDS, (v) => typeof v === 'string' && KNOWN.has(squash(v))) as string | undefined;
  const type = rawType ? (KNOWN.get(squash(rawType)) ?? null) : null;
  const entity = type?.split('.')[0];

  // The record id: an explicit customerId/appointmentId anywhere first; then a bare `id` on the
  // customer/appointment member, the data/payload envelope, and last the top level (often the event's own id).
  const entityObjs = entity ? objs.map((o) => o[entity]).filter(isObject) : [];
  const isId = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number';
  const id =
    (entity ? pick([...entityObjs, ...objs], [`${entity}Id`, `${entity}_id`], isId) : undefined) ??
    pick([...entityObjs, ...objs.slice(1), payload], ['id'], isId);
  const time = toIso(pick([...objs, ...entityObjs], TIME_FIELDS, (v) => toIso(v) !== undefined));

  return {
    type,
    rawType: rawType ?? (pick(objs, TYPE_FIELDS, (v) => typeof v === 'string') as string | undefined),
    recordId: id === undefined ? undefined : String(id),
    occurredAt: time,
    payload,
  };
}
