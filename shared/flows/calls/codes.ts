import { AppError, SourceError } from '../../errors';
import { AttachmentTooLargeError } from '../../destinations/zoho-leads';

/** The error codes of calls runs: seed 004's table with what to do, kept by the reports that print them. */
export { ERROR_CODES as CALL_ERROR_CODES, type ErrorCode as CallErrorCode } from '../../reports/codes';
import type { ErrorCode as CallErrorCode } from '../../reports/codes';

/** The code of an error met talking to `vendor`. */
export function codeOf(vendor: 'RC' | 'ZOHO', err: unknown): CallErrorCode {
  if (err instanceof AttachmentTooLargeError) return 'ZOHO-413';
  if (err instanceof SourceError) {
    const s = err.status;
    if (s === 401 || s === 403 || err.code === 'auth_failed') return `${vendor}-401`;
    if (s === 429 || err.code === 'rate_limited') return `${vendor}-429`;
    if (vendor === 'ZOHO' && s !== undefined && s >= 400 && s < 500) return 'ZOHO-422';
    if (err.code === 'network_error' && vendor === 'RC') return 'IO-001';
    return `${vendor}-500`;
  }
  if (err instanceof AppError) return vendor === 'ZOHO' ? 'ZOHO-422' : 'RC-500';
  return 'IO-001';
}
