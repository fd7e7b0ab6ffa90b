import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * SalesRabbit (door-to-door sales): leads and users. Public evidence shows a REST API (`api.salesrabbit.com`,
 * bearer token, `page` + `perPage`, `{"data": …}`, If-Modified-Since); the seeds' integration used a GraphQL
 * endpoint (`leads(after:, first:)` connections). Both are offered; REST is the default.
 */

const httpUrl = () => z.url({ protocol: /^https?$/ });
export const DEFAULT_BASE_URL = 'https://api.salesrabbit.com';
export const DEFAULT_GRAPHQL_URL = 'https://cloud.salesrabbit.com/graphql';
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export const SalesRabbitConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(httpUrl().default(DEFAULT_BASE_URL)),
      /** Created in SalesRabbit under Integrations → API. */
      apiToken: secret(z.string().min(1)),
      api: z.enum(['rest', 'graphql']).default('rest'),
      graphqlUrl: sendsSecrets(httpUrl().default(DEFAULT_GRAPHQL_URL)),
      /** Records per request: REST `perPage` (default 1,000), GraphQL `first` (default 100). */
      pageSize: z.number().int().min(1).max(1000).optional(),
      /**
       * GraphQL only: replaces the built-in leads query. It must declare `$cursor: String` and `$limit: Int`,
       * pass them to a `leads(after: $cursor, first: $limit)` connection, and select `id` and `lastModified`.
       */
      leadsQuery: z.string().min(1).max(20_000).optional(),
      /**
       * GraphQL only: the variable of `leadsQuery` that filters by modification time (e.g. `modifiedSince`).
       * Incremental runs send the high-water mark minus a minute in it; without it each run reads all leads.
       */
      lastModifiedVariable: z.string().regex(GRAPHQL_NAME, 'a GraphQL variable name (letters, digits, _)').optional(),
    })
    .superRefine((c, ctx) => {
      if (!c.lastModifiedVariable) return;
      if (!c.leadsQuery) ctx.addIssue({ code: 'custom', path: ['leadsQuery'], message: 'is required with lastModifiedVariable (the built-in query has no such variable)' });
      else if (!new RegExp(`\\$${c.lastModifiedVariable}\\b`).test(c.leadsQuery)) {
        ctx.addIssue({ code: 'custom', path: ['lastModifiedVariable'], message: `is not used in leadsQuery (no $${c.lastModifiedVariable})` });
      }
    }),
);
export type SalesRabbitConfig = z.infer<typeof SalesRabbitConfigSchema>;

export const SALESRABBIT_DATA_TYPES = ['leads', 'users'] as const;

export const salesrabbitSpec: ConnectorSpec<typeof SalesRabbitConfigSchema> = {
  type: 'salesrabbit',
  title: 'SalesRabbit',
  description: 'Leads and users from SalesRabbit over REST (If-Modified-Since incremental) or GraphQL (cursor connections).',
  configSchema: SalesRabbitConfigSchema,
  dataTypes: () => [...SALESRABBIT_DATA_TYPES],
  defaultDataTypes: [...SALESRABBIT_DATA_TYPES],
  // Seed 001: about 50 requests per minute.
  rateLimit: { requests: 50, windowMs: 60_000 },
};
