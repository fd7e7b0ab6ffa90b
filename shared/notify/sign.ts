import type { Headers } from '../crypto/headers';
import { timestampedSignature, verifyTimestamped } from '../crypto/timestamped';
import type { VerifyResult } from '../crypto/verify-result';

/**
 * Signature of our outgoing webhooks:
 *   X-Switchboard-Timestamp: unix seconds
 *   X-Switchboard-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))
 * The same construction as our generic incoming scheme (shared/crypto/timestamped.ts), so one Switchboard can
 * receive another's events.
 * Receivers should reject timestamps more than 5 minutes away from their clock.
 */
export const SIGNATURE_HEADER = 'X-Switchboard-Signature';
export const TIMESTAMP_HEADER = 'X-Switchboard-Timestamp';

/** The two signature headers for `body`, signed at `nowMs`. */
export function signSwitchboard(secret: string, body: string | Buffer, nowMs: number = Date.now()): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: timestampedSignature(secret, ts, body) };
}

/**
 * For receivers and tests: checks our signature over the raw body bytes.
 * @example const r = verifySwitchboardSignature({ headers: req.headers, body: raw, secret }); if (!r.ok) res.statusCode = 401;
 */
export function verifySwitchboardSignature(input: {
  headers: Headers;
  body: Buffer;
  secret: string;
  now?: () => number;
  toleranceSec?: number;
}): VerifyResult<{ timestamp: number }> {
  return verifyTimestamped({ ...input, signatureHeader: SIGNATURE_HEADER, timestampHeader: TIMESTAMP_HEADER });
}
