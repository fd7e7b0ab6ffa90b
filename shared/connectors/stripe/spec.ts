import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/** Stripe: customers, charges, invoices, subscriptions (secret or restricted read key). https://docs.stripe.com/api */
export const StripeConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.stripe.com/v1'),
    /** `sk_live_…` or a restricted `rk_live_…` key with read access. */
    apiKey: secret(z.string().min(1)),
  }),
);
export type StripeConfig = z.infer<typeof StripeConfigSchema>;

export const STRIPE_DATA_TYPES = ['customers', 'charges', 'invoices', 'subscriptions'] as const;

export const stripeSpec = {
  type: 'stripe',
  title: 'Stripe',
  description: 'Customers, charges, invoices and subscriptions from Stripe (API key); changes through the Events API.',
  configSchema: StripeConfigSchema,
  dataTypes: () => [...STRIPE_DATA_TYPES],
  defaultDataTypes: [...STRIPE_DATA_TYPES],
  // Endpoints default to 25 requests/s (the test mode's global limit too).
  rateLimit: { requests: 25, windowMs: 1000 },
} satisfies ConnectorSpec<typeof StripeConfigSchema>;
