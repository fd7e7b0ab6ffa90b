import { sha256Hex } from '../crypto/hmac';
import { type Headers, header } from '../crypto/headers';
import { ValidationError } from '../errors';

/** Our generic webhook scheme: the timestamped HMAC of shared/crypto/timestamped.ts, signed by the source. */
export {
  timestampedSignature as genericSignature,
  verifyTimestamped as verifyGeneric,
} from '../crypto/timestamped';

/** Longest sender event id we keep (a store key holds at most 1 KB; ids we know are uuids or short tokens). */
export const MAX_EVENT_ID = 200;

/**
 * Dedupe key: the signed content (timestamp and body). An id header is not covered by the signature, so
 * keying on it would let a captured request be replayed with a new id; a replay of the signed bytes within
 * the timestamp window is a duplicate whatever headers it carries.
 */
export function genericEventKey(input: { timestamp: number; body: Buffer }): string {
  return `generic:${sha256Hex(Buffer.concat([Buffer.from(`${input.timestamp}.`), input.body]))}`;
}

/** The sender's own event id from the configured header, shown in the event log (not signed: never a key). */
export function genericEventId(headers: Headers, idHeader?: string): string | undefined {
  const id = idHeader ? header(headers, idHeader)?.trim() : undefined;
  if (id && id.length > MAX_EVENT_ID) throw new ValidationError(`The ${idHeader} header is longer than ${MAX_EVENT_ID} characters.`, [{ path: `headers.${idHeader}`, message: `at most ${MAX_EVENT_ID} characters` }]);
  return id || undefined;
}
