import { hmac, safeEqual, sha256Hex } from './crypto';
import { type Headers, header } from './headers';
import { type VerifyResult, fail } from './result';

/**
 * Our generic webhook scheme, for sources that can sign with a shared secret:
 *   signature = hex(HMAC-SHA256(secret, timestamp + "." + raw body)), timestamp = unix seconds.
 * The timestamp is inside the MAC, so an old request cannot be replayed past the window. Our own outgoing
 * notifications use the same construction (shared/notify/sign.ts).
 */
export const GENERIC_MAX_SKEW_SEC = 5 * 60;

export interface GenericVerifyInput {
  headers: Headers;
  body: Buffer;
  secret: string;
  signatureHeader?: string;
  timestampHeader?: string;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  toleranceSec?: number;
}

/** hex HMAC-SHA256(secret, timestamp + "." + body). */
export function genericSignature(secret: string, timestamp: string | number, body: Buffer | string): string {
  return hmac('sha256', secret, [`${timestamp}.`, body]).toString('hex');
}

export function verifyGeneric(input: GenericVerifyInput): VerifyResult<{ timestamp: number }> {
  const signature = header(input.headers, input.signatureHeader ?? 'x-signature');
  if (!signature) return fail('missing_signature');
  const ts = header(input.headers, input.timestampHeader ?? 'x-timestamp')?.trim();
  if (!ts) return fail('missing_timestamp');
  if (!/^\d{1,12}$/.test(ts)) return fail('bad_timestamp');
  const nowSec = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSec - Number(ts)) > (input.toleranceSec ?? GENERIC_MAX_SKEW_SEC)) return fail('stale_timestamp');

  // Accept an optional "sha256=" prefix, the form GitHub-style senders use.
  const given = signature.trim().replace(/^sha256=/i, '').toLowerCase();
  return safeEqual(given, genericSignature(input.secret, ts, input.body))
    ? { ok: true, timestamp: Number(ts) }
    : fail('bad_signature');
}

/** Dedupe key: the configured id header when the sender provides one, else the hash of the raw body. */
export function genericEventKey(input: { headers: Headers; body: Buffer; idHeader?: string }): string {
  const id = input.idHeader ? header(input.headers, input.idHeader)?.trim() : undefined;
  return id ? `generic:id:${id}` : `generic:body:${sha256Hex(input.body)}`;
}
