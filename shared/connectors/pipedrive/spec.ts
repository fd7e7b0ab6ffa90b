import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/** Pipedrive API v2: deals, persons, organizations, activities (personal API token). https://developers.pipedrive.com/docs/api/v1 */
export const PipedriveConfigSchema = z.lazy(() =>
  z.object({
    /** `https://api.pipedrive.com/api/v2` or `https://{company}.pipedrive.com/api/v2`. */
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.pipedrive.com/api/v2'),
    /** Personal API token (Settings → Personal preferences → API), sent as `x-api-token`. */
    apiToken: secret(z.string().min(1)),
  }),
);
export type PipedriveConfig = z.infer<typeof PipedriveConfigSchema>;

export const PIPEDRIVE_DATA_TYPES = ['deals', 'persons', 'organizations', 'activities'] as const;

export const pipedriveSpec = {
  type: 'pipedrive',
  title: 'Pipedrive',
  description: 'Deals, persons, organizations and activities from Pipedrive API v2 (API token), incremental on update_time.',
  configSchema: PipedriveConfigSchema,
  dataTypes: () => [...PIPEDRIVE_DATA_TYPES],
  defaultDataTypes: [...PIPEDRIVE_DATA_TYPES],
  // The smallest plan's api_token burst limit: 20 requests per 2 seconds (daily token budgets come on top).
  rateLimit: { requests: 20, windowMs: 2000 },
} satisfies ConnectorSpec<typeof PipedriveConfigSchema>;
