import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Shopify through the Admin GraphQL API (REST Admin is legacy since 2024-10 and new apps must use GraphQL).
 * https://shopify.dev/docs/api/admin-graphql
 */
export const SHOPIFY_DATA_TYPES = ['orders', 'customers', 'products'] as const;
export const DEFAULT_API_VERSION = '2025-01';

export const ShopifyConfigSchema = z.lazy(() =>
  z.object({
    /** The shop's admin URL, `https://{shop}.myshopify.com` (a trailing `/admin` is accepted). */
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ })),
    /** An Admin API access token (custom app `shpat_…`, or an OAuth offline token), sent as X-Shopify-Access-Token. */
    accessToken: secret(z.string().min(1)),
    /** A supported quarterly version such as 2025-01 (each is supported about 12 months). */
    apiVersion: z.string().regex(/^\d{4}-(01|04|07|10)$/, 'a quarterly API version such as 2025-01').default(DEFAULT_API_VERSION),
    /** Incremental runs re-read this much before the newest updatedAt seen: search indexing lags a little. */
    lookbackMinutes: z.number().int().min(0).max(1440).default(5),
  }),
);
export type ShopifyConfig = z.infer<typeof ShopifyConfigSchema>;

export const shopifySpec = {
  type: 'shopify',
  title: 'Shopify',
  description: 'Orders, customers and products from a Shopify store (Admin GraphQL API, cost-based throttling), incremental by updated_at.',
  configSchema: ShopifyConfigSchema,
  dataTypes: () => [...SHOPIFY_DATA_TYPES],
  defaultDataTypes: [...SHOPIFY_DATA_TYPES],
  // The real limit is the query-cost bucket read from each answer (graphql.ts CostThrottle); this only keeps
  // bursts of cheap queries polite.
  rateLimit: { requests: 10, windowMs: 1_000 },
} satisfies ConnectorSpec<typeof ShopifyConfigSchema>;
