import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/** WooCommerce REST API v3 of one store: orders, customers, products (REST API keys). */
export const WoocommerceConfigSchema = z.lazy(() =>
  z.object({
    /** The store's API root: `https://shop.example/wp-json/wc/v3`. */
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** `ck_…` (WooCommerce → Settings → Advanced → REST API, Read permission). */
    consumerKey: z.string().min(1),
    /** `cs_…`. */
    consumerSecret: secret(z.string().min(1)),
  }),
);
export type WoocommerceConfig = z.infer<typeof WoocommerceConfigSchema>;

export const WOOCOMMERCE_DATA_TYPES = ['orders', 'customers', 'products'] as const;

export const woocommerceSpec = {
  type: 'woocommerce',
  title: 'WooCommerce',
  description: 'Orders, customers and products from a WooCommerce store (REST API v3, consumer key and secret); orders and products incremental on their modification time.',
  configSchema: WoocommerceConfigSchema,
  dataTypes: () => [...WOOCOMMERCE_DATA_TYPES],
  defaultDataTypes: [...WOOCOMMERCE_DATA_TYPES],
  // The API has no limit of its own; shared hosting is slow and WAFs throttle, so we stay gentle.
  rateLimit: { requests: 5, windowMs: 1000 },
} satisfies ConnectorSpec<typeof WoocommerceConfigSchema>;
