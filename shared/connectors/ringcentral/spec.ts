import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * RingCentral call log: the company's (or the token owner's) calls with their recordings and voicemails, the
 * input of seed 004's call processing (accepted calls → recordings, missed calls → voicemails).
 * https://developers.ringcentral.com/api-reference/Call-Log/readCompanyCallLog
 */

const httpUrl = () => z.url({ protocol: /^https?$/ });
export const DEFAULT_BASE_URL = 'https://platform.ringcentral.com';
/** The token endpoint's path on the platform host. https://developers.ringcentral.com/api-reference/OAuth-2.0/getToken */
export const TOKEN_PATH = '/restapi/oauth/token';

export const RingCentralConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(httpUrl().default(DEFAULT_BASE_URL)),
      accessToken: secret(z.string().min(1)),
      /** With clientId (and clientSecret for a confidential app), an expired access token is refreshed. */
      refreshToken: secret(z.string().min(1)).optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: secret(z.string().min(1)).optional(),
      /** Default `{baseUrl}/restapi/oauth/token`. */
      tokenUrl: sendsSecrets(httpUrl().optional()),
      /** `account`: every extension's calls (needs an admin token); `extension`: only the token owner's. */
      scope: z.enum(['extension', 'account']).default('account'),
      /**
       * How far back a full sync reads. RingCentral answers only a window (dateFrom defaults to 24 h ago) and
       * keeps call log records for a limited time, so a full sync is "the last N days", not "everything".
       */
      historyDays: z.number().int().min(1).max(365).default(30),
      /**
       * Incremental runs restart this long before the newest startTime seen: a call is logged only once it
       * has ended (a long call started before the mark shows up later), and recordings are attached late.
       */
      lookbackMinutes: z.number().int().min(0).max(1440).default(60),
    })
    .superRefine((c, ctx) => {
      if (c.refreshToken && !c.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'is required to refresh the access token' });
    }),
);
export type RingCentralConfig = z.infer<typeof RingCentralConfigSchema>;

export const ringcentralSpec: ConnectorSpec<typeof RingCentralConfigSchema> = {
  type: 'ringcentral',
  title: 'RingCentral',
  description: 'Call log (detailed view) with recordings and voicemails, incremental by call start time with a lookback.',
  configSchema: RingCentralConfigSchema,
  dataTypes: () => ['call_log'],
  defaultDataTypes: ['call_log'],
  // The call log is in the Heavy group: 10 requests per user per minute, then a 60 s penalty. At 1,000
  // records a request that is 10,000 calls a minute.
  // https://developers.ringcentral.com/guide/basics/rate-limits
  rateLimit: { requests: 10, windowMs: 60_000 },
};
