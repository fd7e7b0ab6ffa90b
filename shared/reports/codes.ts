/**
 * seed 004's error reference (manual, "Error Reference": RC-401, RC-429, ZOHO-401, ZOHO-422, IO-001, SMTP-001),
 * extended with the cases a serverless run meets (calls runs put these codes on their record errors,
 * shared/flows/calls/codes.ts), each with what to do. `codeOf` reads the code a run's error carries, or infers it from our own
 * error codes where the failure is the same one (a 401 from RingCentral is RC-401 whoever names it).
 */
export const ERROR_CODES = {
  'RC-401': { message: 'RingCentral unauthorized', solution: 'Refresh or reconfigure RC credentials (PATCH the ringcentral integration with a new token).' },
  'RC-429': { message: 'Rate limit exceeded', solution: 'The RingCentral Heavy group allows 10 requests a minute; the call is retried on the next run.' },
  'RC-500': { message: 'RingCentral unavailable', solution: 'RingCentral failed after retries; the call is retried on the next run.' },
  'ZOHO-401': { message: 'Zoho CRM unauthorized', solution: 'Refresh or reconfigure Zoho credentials (the refresh token was refused).' },
  'ZOHO-422': { message: 'Invalid lead data', solution: 'Check field mappings and required fields.' },
  'ZOHO-413': { message: 'Recording too large to attach', solution: 'Zoho takes files up to 20 MB; the note says where the recording is in RingCentral.' },
  'ZOHO-429': { message: 'Zoho rate limit exceeded', solution: 'About 100 requests a minute per organization; the call is retried on the next run.' },
  'ZOHO-500': { message: 'Zoho CRM unavailable', solution: 'Zoho failed after retries; the call is retried on the next run.' },
  'IO-001': { message: 'Failed to read or write the media stream', solution: 'The recording download broke off; the call is retried on the next run.' },
  'SMTP-001': { message: 'Failed to send email', solution: 'Verify SMTP settings (the smtp or sendgrid integration, or smtp_server in settings.email).' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** A failure with no code of the seed's: a record the target refused for its own reason. */
export const RECORD_ERROR = { message: 'Record not transferred', solution: 'Read the reason; fix the source record or the flow mapping, then retry the failed records' };

const isSeedCode = (c: unknown): c is ErrorCode => typeof c === 'string' && c in ERROR_CODES;

/** The seed's code of an error: its own `code` when it is one, else one read off its reason (`… answered 401` from zoho). */
export function codeOf(e: { code?: string; reason: string; target?: string }): ErrorCode | undefined {
  if (isSeedCode(e.code)) return e.code;
  const m = /^SMTP-001|\b(ringcentral|zoho)\b.*\banswered (401|429|422|500)\b/i.exec(e.reason);
  if (!m) return undefined;
  if (m[0].startsWith('SMTP-001')) return 'SMTP-001';
  const code = `${m[1].toLowerCase() === 'zoho' ? 'ZOHO' : 'RC'}-${m[2]}`;
  return isSeedCode(code) ? code : undefined;
}
