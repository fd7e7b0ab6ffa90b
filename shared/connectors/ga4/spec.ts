import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * A Google Analytics 4 web data stream, written to by flow actions through the Measurement Protocol.
 * https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 */
export const Ga4ConfigSchema = z.lazy(() =>
  z.object({
    /** EU data residency: https://region1.google-analytics.com. */
    baseUrl: sendsSecrets(z.url().default('https://www.google-analytics.com')),
    measurementId: z.string().regex(/^G-[A-Z0-9]{4,20}$/, 'a measurement id, e.g. G-XXXXXXXXXX'),
    /** Admin → Data streams → stream → Measurement Protocol API secrets. */
    apiSecret: secret(z.string().min(8).max(200)),
  }),
);
export type Ga4Config = z.infer<typeof Ga4ConfigSchema>;

export const ga4Spec = {
  type: 'ga4',
  title: 'Google Analytics 4 (Measurement Protocol)',
  description: 'Sends events (e.g. generate_lead) to a GA4 web data stream (flow actions).',
  configSchema: Ga4ConfigSchema,
  dataTypes: () => [],
  defaultDataTypes: [],
  // Google publishes no request rate for /mp/collect; this keeps one stream's sends moderate.
  rateLimit: { requests: 50, windowMs: 1_000 },
  destinationOnly: true,
} satisfies ConnectorSpec<typeof Ga4ConfigSchema>;
