import { hmac, safeEqual } from './hmac';
import { type Headers, header } from './headers';
import { type VerifyResult, fail } from './verify-result';

/**
 * The timestamped HMAC both our generic incoming webhooks and our outgoing notifications use:
 *   signature = hex(HMAC-SHA256(secret, timestamp + "." + raw body)), timestamp = unix seconds.
 * The timestamp is inside the MAC, so an old request cannot be replayed past the window.
 */
export const TIMESTAMPED_MAX_SKEW_SEC = 5 * 60;

export interface TimestampedVerifyInput {
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
export function timestampedSignature(secret: string, timestamp: string | number, body: Buffer | string): string {
  return hmac('sha256', secret, [`${timestamp}.`, body]).toString('hex');
}

export function verifyTimestamped(input: TimestampedVerifyInput): VerifyResult<{ timestamp: number }> {
  const signature = header(input.headers, input.signatureHeader ?? 'x-signature');
  if (!signature) return fail('missing_signature');
  const ts = header(input.headers, input.timestampHeader ?? 'x-timestamp')?.trim();
  if (!ts) return fail('missing_timestamp');
  if (!/^\d{1,12}$/.test(ts)) return fail('bad_timestamp');
  const nowSec = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSec - Number(ts)) > (input.toleranceSec ?? TIMESTAMPED_MAX_SKEW_SEC)) return fail('stale_timestamp');

  // Accept an optional "sha256=" prefix, the form GitHub-style senders use.
  const given = signature.trim().replace(/^sha256=/i, '').toLowerCase();
  return safeEqual(given, timestampedSignature(input.secret, ts, input.body))
    ? { ok: true, timestamp: Number(ts) }
    : fail('bad_signature');
}
