/**
 * What every verifier returns. The `reason` is for our logs only: callers answer 401 with no detail, so a
 * caller probing the endpoint learns nothing about which check failed.
 */
export type VerifyFailureReason =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'legacy_not_allowed'
  | 'unsupported_version'
  | 'body_hash_mismatch'
  | 'missing_authorization'
  | 'bad_authorization'
  | 'missing_event_id'
  | 'bad_event_id'
  | 'bad_url';

export interface VerifyFailure {
  ok: false;
  reason: VerifyFailureReason;
}

export type VerifyResult<T extends object = object> = ({ ok: true } & T) | VerifyFailure;

export function fail(reason: VerifyFailureReason): VerifyFailure {
  return { ok: false, reason };
}
