import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/** Datadog sites and their API hosts: https://docs.datadoghq.com/getting_started/site/ */
export const DATADOG_SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com', 'uk1.datadoghq.com', 'ddog-gov.com', 'us2.ddog-gov.com'] as const;

/** A Datadog organisation, written to by flow actions (metrics through the v2 series intake). */
export const DatadogConfigSchema = z.lazy(() =>
  z.object({
    /** The site the account lives on; an API key of one site is refused (403) by another. */
    site: sendsSecrets(z.enum(DATADOG_SITES).default('datadoghq.com')),
    /** Overrides the site's `https://api.<site>` (a proxy, a sandbox). */
    baseUrl: sendsSecrets(z.url().optional()),
    apiKey: secret(z.string().min(16).max(100)),
  }),
);
export type DatadogConfig = z.infer<typeof DatadogConfigSchema>;

export const datadogSpec = {
  type: 'datadog',
  title: 'Datadog',
  description: 'Submits metrics (v2 series) to a Datadog organisation (flow actions and flow run stats).',
  configSchema: DatadogConfigSchema,
  dataTypes: () => [],
  defaultDataTypes: [],
  // Metric intake is not rate-limited by Datadog; other endpoints answer 429 with X-RateLimit-Reset.
  rateLimit: { requests: 100, windowMs: 1_000 },
  destinationOnly: true,
} satisfies ConnectorSpec<typeof DatadogConfigSchema>;
