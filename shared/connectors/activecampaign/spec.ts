import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/** ActiveCampaign API v3: contacts and deals (API key). https://developers.activecampaign.com/reference */
export const ActivecampaignConfigSchema = z.lazy(() =>
  z.object({
    /** The account's API URL from Settings → Developer, with `/api/3`: `https://{account}.api-us1.com/api/3`. */
    baseUrl: z.url({ protocol: /^https?$/ }),
    apiKey: secret(z.string().min(1)),
  }),
);
export type ActivecampaignConfig = z.infer<typeof ActivecampaignConfigSchema>;

export const ACTIVECAMPAIGN_DATA_TYPES = ['contacts', 'deals'] as const;

export const activecampaignSpec = {
  type: 'activecampaign',
  title: 'ActiveCampaign',
  description: 'Contacts and deals from ActiveCampaign API v3 (API key), incremental on their update time.',
  configSchema: ActivecampaignConfigSchema,
  dataTypes: () => [...ACTIVECAMPAIGN_DATA_TYPES],
  defaultDataTypes: [...ACTIVECAMPAIGN_DATA_TYPES],
  // 5 requests per second per account, shared by every key and integration of the account.
  rateLimit: { requests: 5, windowMs: 1000 },
} satisfies ConnectorSpec<typeof ActivecampaignConfigSchema>;
