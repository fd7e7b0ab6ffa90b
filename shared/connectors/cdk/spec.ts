import { z } from 'zod';
import type { ConnectorSpec } from '../types';

/**
 * CDK Global through the Fortellis Event Relay: CDK pushes customer and appointment events to our webhook
 * (`/webhooks/cdk/{id}/v1/webhook/event/{channel}`), authenticated by the Authorization value we generate.
 * Seed 002: events customer.created, customer.updated, appointment.scheduled; API limit 1000 requests/hour.
 */
export const CdkConfigSchema = z.object({
  baseUrl: z.url().default('https://api.fortellis.io'),
  /** The dealer (Fortellis Data-Owner-Id / CDK dealer code) this integration covers. */
  dealerId: z.string().min(1).max(100).optional(),
  /** The Fortellis subscription the events come from. */
  subscriptionId: z.string().min(1).max(100).optional(),
});
export type CdkConfig = z.infer<typeof CdkConfigSchema>;

export const CDK_DATA_TYPES = ['customers', 'appointments'] as const;

export const cdkSpec = {
  type: 'cdk',
  title: 'CDK Global',
  description: 'Customers and service appointments from CDK Global (DMS), pushed by the Fortellis Event Relay.',
  configSchema: CdkConfigSchema,
  dataTypes: () => [...CDK_DATA_TYPES],
  defaultDataTypes: [...CDK_DATA_TYPES],
  rateLimit: { requests: 1000, windowMs: 3_600_000 },
  webhooks: true,
} satisfies ConnectorSpec<typeof CdkConfigSchema>;
