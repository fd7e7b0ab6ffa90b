import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Xero Accounting API 2.0: contacts and invoices of one organisation (tenant), OAuth2 with rotating refresh
 * tokens. https://developer.xero.com/documentation/api/accounting/overview
 */
export const XERO_DATA_TYPES = ['contacts', 'invoices'] as const;
const httpUrl = () => z.url({ protocol: /^https?$/ });

export const XeroConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: sendsSecrets(httpUrl().default('https://api.xero.com/api.xro/2.0')),
    /** The organisation's tenant id (GET https://api.xero.com/connections), sent as xero-tenant-id. */
    tenantId: z.uuid(),
    accessToken: secret(z.string().min(1)),
    /** Rotates on every refresh (and expires after 60 unused days): the newest one is re-sealed each time. */
    refreshToken: secret(z.string().min(1)),
    clientId: z.string().min(1),
    clientSecret: secret(z.string().min(1)),
    tokenUrl: sendsSecrets(httpUrl().default('https://identity.xero.com/connect/token'), ['refreshToken', 'clientSecret']),
    /** Incremental reads ask from this long before the newest UpdatedDateUTC seen. */
    lookbackMinutes: z.number().int().min(0).max(1440).default(5),
  }),
);
export type XeroConfig = z.infer<typeof XeroConfigSchema>;

export const xeroSpec = {
  type: 'xero',
  title: 'Xero',
  description: 'Contacts and invoices from Xero (Accounting API), incremental by If-Modified-Since.',
  configSchema: XeroConfigSchema,
  dataTypes: () => [...XERO_DATA_TYPES],
  defaultDataTypes: [...XERO_DATA_TYPES],
  // Per organisation and app: 60 calls a minute and 5,000 a day (and 5 at once).
  // https://developer.xero.com/documentation/guides/oauth2/limits/
  rateLimit: [
    { requests: 60, windowMs: 60_000 },
    { requests: 5_000, windowMs: 86_400_000 },
  ],
} satisfies ConnectorSpec<typeof XeroConfigSchema>;
