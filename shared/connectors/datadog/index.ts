import * as z from 'zod';
import { apiKeyAuth } from '../../http/auth';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { DatadogConfigSchema, datadogSpec } from './spec';

/** Datadog's error body: `{"errors": ["…"]}`. */
const DatadogErrorSchema = z.looseObject({ errors: z.array(z.string()) });
export function describeDatadogError(_status: number, body: unknown): string | undefined {
  const r = DatadogErrorSchema.safeParse(body);
  return r.success && r.data.errors.length ? r.data.errors.join('; ') : undefined;
}

/** Datadog: `DD-API-KEY` on the site's API host. https://docs.datadoghq.com/api/latest/metrics/#submit-metrics */
export const datadog: Connector<typeof DatadogConfigSchema> = {
  ...datadogSpec,
  http: (config) => ({
    baseUrl: config.baseUrl ?? `https://api.${config.site}`,
    auth: apiKeyAuth(config.apiKey, { header: 'DD-API-KEY' }),
    describeError: describeDatadogError,
  }),
  streams: () => [],
  // GET /api/v1/validate → {"valid": true}; a key of another site or a revoked one is a 403.
  test: (ctx) => testConnection(ctx, { url: '/api/v1/validate', stream: 'test' }),
};
