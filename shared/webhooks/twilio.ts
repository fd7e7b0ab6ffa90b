import * as z from 'zod';
import { ValidationError } from '../errors';
import { canonicalJson, hmac, safeEqual, sha256Hex } from '../crypto/hmac';
import { type Headers, header } from '../crypto/headers';
import { type VerifyResult, fail } from '../crypto/verify-result';

/**
 * Twilio webhook verification, mirroring twilio-node `src/webhooks/webhooks.ts` (validateRequest /
 * validateRequestWithBody). https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */

/** Form parameters as Twilio sends them; a repeated key becomes an array. */
export type TwilioParams = Record<string, string | string[]>;

export interface TwilioVerifyInput {
  /** The full public URL configured in Twilio, with the query string of this request. From config, never guessed. */
  url: string;
  headers: Headers;
  body: Buffer;
  authToken: string;
}

export type TwilioVerified = { variant: 'form'; params: TwilioParams } | { variant: 'json' };

/**
 * Parses an application/x-www-form-urlencoded body ('+' is a space, as Twilio's signer sees it) into a
 * null-prototype map: on a plain object, parameters named `constructor` or `toString` would find inherited
 * values and `__proto__` would set the prototype instead of a key, escaping the signature.
 */
export function parseTwilioForm(body: Buffer): TwilioParams {
  const out: TwilioParams = Object.create(null);
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

// twilio-node checks the URL both with and without the scheme's default port, "since signature generation on
// the back end is inconsistent"; we accept either, plus the URL exactly as configured. (twilio-node passes the
// with-port form through `new URL().toString()`, which drops a default port again; we sign the string as built.)
function urlCandidates(url: string): string[] {
  const parsed = new URL(url);
  let withPort: string;
  if (parsed.port) {
    withPort = parsed.toString();
  } else {
    const port = parsed.protocol === 'https:' ? ':443' : ':80';
    const auth = parsed.username || parsed.password
      ? `${parsed.username}${parsed.password ? ':' + parsed.password : ''}@`
      : '';
    withPort = `${parsed.protocol}//${auth}${parsed.host}${port}${parsed.pathname}${parsed.search}${parsed.hash}`;
  }
  const noPort = new URL(url);
  noPort.port = '';
  return [...new Set([url, noPort.toString(), withPort])];
}

function paramString(params: TwilioParams): string {
  let data = '';
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    // Array parameters: values de-duplicated and sorted, each appended as key + value.
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += key + v;
  }
  return data;
}

/** The X-Twilio-Signature Twilio would send for this exact URL string and these parameters. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return hmac('sha1', authToken, [url + paramString(params)]).toString('base64');
}

/**
 * Verifies a Twilio request on its raw bytes. A URL carrying `bodySHA256` is the JSON variant: the signature
 * covers the URL only, then the raw body must hash to `bodySHA256`. Otherwise the body is form-encoded and
 * every parameter that arrived is covered (Twilio adds parameters without notice).
 */
export function verifyTwilio(input: TwilioVerifyInput): VerifyResult<TwilioVerified> {
  const signature = header(input.headers, 'x-twilio-signature');
  if (!signature) return fail('missing_signature');

  let candidates: string[];
  let bodyHash: string | null;
  try {
    candidates = urlCandidates(input.url);
    bodyHash = new URL(input.url).searchParams.get('bodySHA256');
  } catch {
    return fail('bad_url');
  }

  const params = bodyHash === null ? parseTwilioForm(input.body) : {};
  const signed = candidates.some((url) => safeEqual(signature.trim(), twilioSignature(input.authToken, url, params)));
  if (!signed) return fail('bad_signature');

  if (bodyHash === null) return { ok: true, variant: 'form', params };
  return safeEqual(bodyHash.toLowerCase(), sha256Hex(input.body)) ? { ok: true, variant: 'json' } : fail('body_hash_mismatch');
}

/** SMS/MMS webhook and message status callback fields. https://www.twilio.com/docs/messaging/guides/webhook-request */
export const TwilioMessageSchema = z.looseObject({
  MessageSid: z.string().min(1),
  SmsSid: z.string().optional(),
  SmsMessageSid: z.string().optional(),
  AccountSid: z.string().min(1),
  MessagingServiceSid: z.string().optional(),
  From: z.string().optional(),
  To: z.string().optional(),
  Body: z.string().optional(),
  NumMedia: z.string().optional(),
  NumSegments: z.string().optional(),
  /** `received` on inbound messages; mirrors MessageStatus on status callbacks. */
  SmsStatus: z.string().optional(),
  MessageStatus: z.string().optional(),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
  ApiVersion: z.string().optional(),
});
export type TwilioMessage = z.infer<typeof TwilioMessageSchema>;

/** Voice call webhook and status callback fields. https://www.twilio.com/docs/voice/twiml#request-parameters */
export const TwilioCallSchema = z.looseObject({
  CallSid: z.string().min(1),
  AccountSid: z.string().min(1),
  From: z.string().optional(),
  To: z.string().optional(),
  CallStatus: z.string().min(1),
  Direction: z.string().optional(),
  CallDuration: z.string().optional(),
  Duration: z.string().optional(),
  Timestamp: z.string().optional(),
  SequenceNumber: z.string().optional(),
  CallbackSource: z.string().optional(),
  ApiVersion: z.string().optional(),
});
export type TwilioCall = z.infer<typeof TwilioCallSchema>;

export type TwilioEvent =
  | { kind: 'message'; sid: string; status: string | undefined; data: TwilioMessage }
  | { kind: 'call'; sid: string; status: string; data: TwilioCall };

/** Classifies verified form parameters as a message or a call event. Throws ValidationError (400). */
export function parseTwilioEvent(params: TwilioParams): TwilioEvent {
  if (params.MessageSid !== undefined) {
    const parsed = TwilioMessageSchema.safeParse(params);
    if (parsed.success) {
      const data = parsed.data;
      return { kind: 'message', sid: data.MessageSid, status: data.MessageStatus ?? data.SmsStatus, data };
    }
  } else if (params.CallSid !== undefined) {
    const parsed = TwilioCallSchema.safeParse(params);
    if (parsed.success) return { kind: 'call', sid: parsed.data.CallSid, status: parsed.data.CallStatus, data: parsed.data };
  }
  throw new ValidationError('The body is not a Twilio message or call event.');
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The dedupe key of a Twilio callback: the resource SID plus its status, so each status transition is one
 * event and a redelivery of the same transition collides. Without a SID, the parameters themselves are hashed.
 */
export function twilioEventKey(params: TwilioParams): string {
  const sid = first(params.MessageSid) ?? first(params.SmsSid) ?? first(params.CallSid);
  const status = first(params.MessageStatus) ?? first(params.SmsStatus) ?? first(params.CallStatus) ?? '';
  if (sid) return `twilio:${sid}:${status}`;
  return `twilio:params:${sha256Hex(canonicalJson(params))}`;
}
