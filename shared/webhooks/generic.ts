import { sha256Hex } from '../crypto/hmac';
import { type Headers, header } from '../crypto/headers';

/** Our generic webhook scheme: the timestamped HMAC of shared/crypto/timestamped.ts, signed by the source. */
export {
  timestampedSignature as genericSignature,
  verifyTimestamped as verifyGeneric,
} from '../crypto/timestamped';

/** Dedupe key: the configured id header when the sender provides one, else the hash of the raw body. */
export function genericEventKey(input: { headers: Headers; body: Buffer; idHeader?: string }): string {
  const id = input.idHeader ? header(input.headers, input.idHeader)?.trim() : undefined;
  return id ? `generic:id:${id}` : `generic:body:${sha256Hex(input.body)}`;
}
