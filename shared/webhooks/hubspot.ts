import * as z from 'zod';
import { ValidationError } from '../errors';
import { parseJson } from '../json';
import { canonicalJson, hmac, safeEqual, sha256Hex } from '../crypto/hmac';
import { type Headers, header } from '../crypto/headers';
import { type VerifyResult, fail } from '../crypto/verify-result';

/**
 * HubSpot webhook verification and parsing.
 * Signature v3: https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 * Payload: https://developers.hubspot.com/docs/api/webhooks (an array of up to 100 events per request).
 */

export const HUBSPOT_MAX_SKEW_MS = 5 * 60 * 1000;

export interface HubspotVerifyInput {
  /** The HTTP method HubSpot used (POST for webhooks). */
  method: string;
  /** The full public URI HubSpot called, with its query string: from our config, never from the Host header. */
  uri: string;
  headers: Headers;
  body: Buffer;
  /** The app's client secret. */
  clientSecret: string;
  /** Accept the legacy v1/v2 signatures (no timestamp, so replayable) when no v3 signature is present. */
  allowLegacy?: boolean;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
}

// HubSpot computes v3 over the URI with these characters decoded (their doc's table); `?` starting the query
// string is never encoded in the first place.
const V3_DECODE: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

function v3Uri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => V3_DECODE[m.toUpperCase()]);
}

/**
 * Verifies a HubSpot webhook request on its raw bytes.
 * @example
 * const r = verifyHubspot({ method: 'POST', uri: cfg.publicUrl, headers: event.headers, body: rawBody(event), clientSecret });
 * if (!r.ok) { log.warn('hubspot webhook rejected', { reason: r.reason }); return { statusCode: 401 }; }
 */
export function verifyHubspot(input: HubspotVerifyInput): VerifyResult<{ version: 'v1' | 'v2' | 'v3' }> {
  const v3 = header(input.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) return verifyV3(input, v3);

  const legacy = header(input.headers, 'x-hubspot-signature');
  if (legacy === undefined) return fail('missing_signature');
  if (!input.allowLegacy) return fail('legacy_not_allowed');

  const version = (header(input.headers, 'x-hubspot-signature-version') ?? 'v1').trim().toLowerCase();
  let expected: string;
  if (version === 'v1') {
    expected = sha256Hex(Buffer.concat([Buffer.from(input.clientSecret, 'utf8'), input.body]));
  } else if (version === 'v2') {
    const head = Buffer.from(input.clientSecret + input.method.toUpperCase() + input.uri, 'utf8');
    expected = sha256Hex(Buffer.concat([head, input.body]));
  } else {
    return fail('unsupported_version');
  }
  return safeEqual(legacy.trim().toLowerCase(), expected) ? { ok: true, version } : fail('bad_signature');
}

function verifyV3(input: HubspotVerifyInput, signature: string): VerifyResult<{ version: 'v3' }> {
  const timestamp = header(input.headers, 'x-hubspot-request-timestamp');
  if (timestamp === undefined) return fail('missing_timestamp');
  if (!/^\d{1,16}$/.test(timestamp.trim())) return fail('bad_timestamp');
  const now = (input.now ?? Date.now)();
  // HubSpot says reject anything older than 5 minutes; a timestamp as far in the future is refused too.
  if (Math.abs(now - Number(timestamp.trim())) > HUBSPOT_MAX_SKEW_MS) return fail('stale_timestamp');

  const mac = hmac('sha256', input.clientSecret, [
    input.method.toUpperCase() + v3Uri(input.uri),
    input.body,
    timestamp.trim(),
  ]);
  return safeEqual(signature.trim(), mac.toString('base64')) ? { ok: true, version: 'v3' } : fail('bad_signature');
}

const Id = z.union([z.number(), z.string()]);

/** One HubSpot webhook event. Unknown fields pass through: HubSpot adds fields without notice. */
export const HubspotEventSchema = z.looseObject({
  /** Not guaranteed unique: see `hubspotEventKey`. */
  eventId: Id,
  subscriptionId: Id,
  portalId: Id,
  appId: Id,
  /** Epoch ms. */
  occurredAt: z.number(),
  /** e.g. contact.creation, contact.propertyChange, deal.deletion, object.propertyChange. */
  subscriptionType: z.string().min(1),
  /** 0 on the first delivery, then 1, 2, … on retries: the one field a redelivery changes. */
  attemptNumber: z.number().int().nonnegative(),
  objectId: Id.optional(),
  objectTypeId: z.string().optional(),
  changeSource: z.string().optional(),
  changeFlag: z.string().optional(),
  sourceId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullable().optional(),
  primaryObjectId: Id.optional(),
  mergedObjectIds: z.array(Id).optional(),
  newObjectId: Id.optional(),
  numberOfPropertiesMoved: z.number().optional(),
  fromObjectId: Id.optional(),
  toObjectId: Id.optional(),
  associationType: z.string().optional(),
  associationRemoved: z.boolean().optional(),
});
export type HubspotEvent = z.infer<typeof HubspotEventSchema>;

export const HubspotEventsSchema = z.array(HubspotEventSchema).min(1);

/** Parses a verified HubSpot body (a JSON array of events). Throws BadJsonError / TooDeepError / ValidationError (400). */
export function parseHubspotEvents(body: Buffer): HubspotEvent[] {
  const json = parseJson(body.toString('utf8'));
  const parsed = HubspotEventsSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(
      'The body is not a HubSpot event array.',
      parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

/**
 * The dedupe key of a HubSpot event. `eventId` alone is not unique (HubSpot says so), so the key hashes the
 * whole event identity: every field except `attemptNumber`, which is the only field a redelivery changes.
 * Two property changes sharing an eventId differ in propertyName/propertyValue/occurredAt/objectId and so
 * get different keys; a retry of the same change gets the same key.
 */
export function hubspotEventKey(event: HubspotEvent): string {
  const { attemptNumber: _attempt, ...identity } = event;
  return `hubspot:${event.portalId}:${sha256Hex(canonicalJson(identity))}`;
}
