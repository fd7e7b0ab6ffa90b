import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * CallRail API v3: calls, companies, trackers, form submissions, text conversations, users and tags of one
 * account. https://apidocs.callrail.com/
 */

export const CALLRAIL_DEFAULT_BASE_URL = 'https://api.callrail.com/v3';

export const CallrailConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ }).default(CALLRAIL_DEFAULT_BASE_URL)),
    /** An API key (Settings → Integrations → API Keys), sent as `Authorization: Token token="…"`. */
    apiKey: secret(z.string().min(1)),
    /** The account whose data is read: `ACC…` (or its numeric id), as in `/v3/a/{account_id}/calls.json`. */
    accountId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'an account id such as ACC8154748ae6bd4e278a7cddd38a662f4f'),
    /**
     * Incremental runs re-read this much before the newest record's time: `start_date` selects by when a
     * call started, and a call keeps changing until it has ended and been processed (duration, recording).
     */
    lookbackMinutes: z.number().int().min(0).max(1440).default(60),
  }),
);
export type CallrailConfig = z.infer<typeof CallrailConfigSchema>;

export const CALLRAIL_DATA_TYPES = ['calls', 'companies', 'trackers', 'form_submissions', 'text_messages', 'users', 'tags'] as const;
export type CallrailDataType = (typeof CALLRAIL_DATA_TYPES)[number];

export const callrailSpec = {
  type: 'callrail',
  title: 'CallRail',
  description: 'Calls, companies, trackers, form submissions, text conversations, users and tags from CallRail API v3 (API key).',
  configSchema: CallrailConfigSchema,
  dataTypes: () => [...CALLRAIL_DATA_TYPES],
  defaultDataTypes: [...CALLRAIL_DATA_TYPES],
  // CallRail's documented general API limits per account (https://apidocs.callrail.com/#rate-limiting); its
  // 429 carries no Retry-After, so after one we wait for these windows to reopen.
  rateLimit: [
    { requests: 1_000, windowMs: 3_600_000 },
    { requests: 10_000, windowMs: 86_400_000 },
  ],
} satisfies ConnectorSpec<typeof CallrailConfigSchema>;
