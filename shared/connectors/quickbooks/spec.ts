import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * QuickBooks Online Accounting API v3: customers, invoices and payments of one company (realm), OAuth2 with
 * rotating refresh tokens. https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
 */
export const QUICKBOOKS_ENTITIES = { customers: 'Customer', invoices: 'Invoice', payments: 'Payment' } as const;
export type QuickbooksDataType = keyof typeof QUICKBOOKS_ENTITIES;
export const QUICKBOOKS_DATA_TYPES = Object.keys(QUICKBOOKS_ENTITIES) as QuickbooksDataType[];

const httpUrl = () => z.url({ protocol: /^https?$/ });

export const QuickbooksConfigSchema = z.lazy(() =>
  z.object({
    /** Production; the sandbox company is https://sandbox-quickbooks.api.intuit.com. */
    baseUrl: sendsSecrets(httpUrl().default('https://quickbooks.api.intuit.com')),
    /** The company id (realmId) returned with the authorization. */
    realmId: z.string().regex(/^\d{1,20}$/, 'the company id (digits)'),
    accessToken: secret(z.string().min(1)),
    /** Rotates on every refresh: the newest one is re-sealed each time. */
    refreshToken: secret(z.string().min(1)),
    clientId: z.string().min(1),
    clientSecret: secret(z.string().min(1)),
    tokenUrl: sendsSecrets(httpUrl().default('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'), ['refreshToken', 'clientSecret']),
    /** Incremental reads start this much before the newest LastUpdatedTime seen. */
    lookbackMinutes: z.number().int().min(0).max(1440).default(5),
  }),
);
export type QuickbooksConfig = z.infer<typeof QuickbooksConfigSchema>;

export const quickbooksSpec = {
  type: 'quickbooks',
  title: 'QuickBooks Online',
  description: 'Customers, invoices and payments from QuickBooks Online, incremental by Metadata.LastUpdatedTime, deletions through change data capture.',
  configSchema: QuickbooksConfigSchema,
  dataTypes: () => [...QUICKBOOKS_DATA_TYPES],
  defaultDataTypes: [...QUICKBOOKS_DATA_TYPES],
  // Per realm and app: 10 requests a second and 500 a minute; a 429 asks for 60 s.
  // https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#limits-and-throttles
  rateLimit: [
    { requests: 10, windowMs: 1_000 },
    { requests: 500, windowMs: 60_000 },
  ],
} satisfies ConnectorSpec<typeof QuickbooksConfigSchema>;
