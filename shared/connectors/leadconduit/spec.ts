import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * LeadConduit (ActiveProspect): the events recorded while leads go through flows (seed 001: leads).
 * https://developers.activeprospect.com/api-reference/leads/list-all-events
 */

export const LEADCONDUIT_DEFAULT_BASE_URL = 'https://app.leadconduit.com';

export const LeadconduitConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ }).default(LEADCONDUIT_DEFAULT_BASE_URL)),
    /** The account's API key (Account → API key); sent as the password of HTTP Basic user `API`. */
    apiKey: secret(z.string().min(1)),
  }),
);
export type LeadconduitConfig = z.infer<typeof LeadconduitConfigSchema>;

export const leadconduitSpec = {
  type: 'leadconduit',
  title: 'LeadConduit',
  description: 'Lead events (source, recipient, filter, feedback) from LeadConduit, incremental by event id (API key).',
  configSchema: LeadconduitConfigSchema,
  dataTypes: () => ['events'],
  defaultDataTypes: ['events'],
  // Seed 001: 60 requests a minute.
  rateLimit: { requests: 60, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof LeadconduitConfigSchema>;
