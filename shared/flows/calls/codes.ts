import { AppError, SourceError } from '../../errors';
import { AttachmentTooLargeError } from '../../destinations/zoho-leads';

/**
 * Seed 004's error reference (its "Error Reference" table: RC-401, RC-429, ZOHO-401, ZOHO-422, IO-001,
 * SMTP-001), extended with the cases a serverless run meets: what each record error of a calls run carries as
 * `code`, and what to do about it (the reports print both).
 */
export const CALL_ERROR_CODES = {
  'RC-401': { message: 'RingCentral unauthorized', solution: 'Refresh or reconfigure RC credentials (PATCH the ringcentral integration with a new token).' },
  'RC-429': { message: 'Rate limit exceeded', solution: 'The RingCentral Heavy group allows 10 requests a minute; the call is retried on the next run.' },
  'RC-500': { message: 'RingCentral unavailable', solution: 'RingCentral failed after retries; the call is retried on the next run.' },
  'ZOHO-401': { message: 'Zoho CRM unauthorized', solution: 'Refresh or reconfigure Zoho credentials (the refresh token was refused).' },
  'ZOHO-422': { message: 'Invalid lead data', solution: 'Check field mappings and required fields.' },
  'ZOHO-413': { message: 'Recording too large to attach', solution: "Zoho takes files up to 20 MB; the note says where the recording is in RingCentral." },
  'ZOHO-429': { message: 'Zoho rate limit exceeded', solution: 'About 100 requests a minute per organization; the call is retried on the next run.' },
  'ZOHO-500': { message: 'Zoho CRM unavailable', solution: 'Zoho failed after retries; the call is retried on the next run.' },
  'IO-001': { message: 'Failed to read or write the media stream', solution: 'The recording download broke off; the call is retried on the next run.' },
} as const;
export type CallErrorCode = keyof typeof CALL_ERROR_CODES;

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
