import * as z from 'zod';
import { SourceError } from '../../errors';
import { bearerAuth } from '../../http/auth';
import { describeGraphqlError, graphqlRequest, graphqlStream } from '../graphql';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector, Stream } from '../types';
import { DEFAULT_BASE_URL, DEFAULT_GRAPHQL_URL, salesrabbitSpec, type SalesRabbitConfig } from './spec';

/** REST errors carry a `message` (and sometimes `error`); GraphQL ones an `errors` array. */
export const SalesRabbitErrorSchema = z.looseObject({ message: z.string().optional(), error: z.string().optional() });

export function describeSalesRabbitError(status: number, body: unknown): string | undefined {
  const gql = describeGraphqlError(status, body);
  if (gql) return gql;
  const r = SalesRabbitErrorSchema.safeParse(body);
  if (!r.success) return undefined;
  return [r.data.error, r.data.message].filter(Boolean).join(': ') || undefined;
}

const Id = z.union([z.number(), z.string().min(1)]);

/** A REST lead: id and the modification time we page and mark by; the rest is stored as sent. */
export const RestLeadSchema = z.looseObject({ id: Id, dateModified: z.string().nullish(), deletedAt: z.string().nullish() });
export const RestUserSchema = z.looseObject({ id: Id });

/** Records per REST page by default: the largest `perPage` seen used against the API. */
export const REST_PAGE_SIZE = 1000;
const restPaging = (config: SalesRabbitConfig) =>
  ({ kind: 'page', param: 'page', sizeParam: 'perPage', size: config.pageSize ?? REST_PAGE_SIZE, start: 1, in: 'query' }) as const;

/**
 * REST leads: page numbers with `perPage`, oldest first by creation (new leads land on the last page, so a
 * run never skips one); `If-Modified-Since` (an HTTP-date: `Fri, 18 Sep 2026 12:02:56 GMT`) on incremental runs, 304 when
 * nothing changed. A short page ends the read.
 */
export const restLeadsDef = (config: SalesRabbitConfig): RestStreamDef<SalesRabbitConfig> => ({
  name: 'leads',
  path: '/leads',
  query: { sortBy: 'dateCreated', order: 'asc' },
  pagination: restPaging(config),
  records: 'data',
  id: 'id',
  recordSchema: RestLeadSchema,
  incremental: { field: 'dateModified', param: 'If-Modified-Since', in: 'header', format: 'http-date', lookbackMs: 60_000 },
  emptyStatuses: [304],
  deleted: (raw) => raw.deletedAt !== undefined && raw.deletedAt !== null,
});

/** REST users: a small list, read in full each run. */
export const restUsersDef = (config: SalesRabbitConfig): RestStreamDef<SalesRabbitConfig> => ({
  name: 'users',
  path: '/users',
  pagination: restPaging(config),
  records: 'data',
  id: 'id',
  recordSchema: RestUserSchema,
});

/** The seeds' queries (seed 001). */
export const LEADS_QUERY = `query GetLeads($cursor: String, $limit: Int) {
  leads(after: $cursor, first: $limit) {
    edges {
      node { id leadHash dispositionId prospectName prospectPhone prospectEmail prospectAddress latitude longitude createdBy createdAt lastModified customFields }
      cursor
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const USERS_QUERY = `query GetUsers {
  users { id email firstName lastName phone active teamId }
}`;
export const GRAPHQL_PAGE_SIZE = 100;

function graphqlStreams(config: SalesRabbitConfig): Stream<SalesRabbitConfig>[] {
  const url = config.graphqlUrl ?? DEFAULT_GRAPHQL_URL;
  return [
    graphqlStream<SalesRabbitConfig>({
      name: 'leads',
      url,
      query: config.leadsQuery ?? LEADS_QUERY,
      connectionPath: 'data.leads',
      pageSize: config.pageSize ?? GRAPHQL_PAGE_SIZE,
      firstVariable: 'limit',
      afterVariable: 'cursor',
      updatedAt: 'lastModified',
      recordSchema: z.looseObject({ id: Id, lastModified: z.string().nullish() }),
      ...(config.lastModifiedVariable ? { since: { variable: config.lastModifiedVariable, format: 'iso' as const, lookbackMs: 60_000 } } : {}),
    }),
    graphqlStream<SalesRabbitConfig>({ name: 'users', url, query: USERS_QUERY, connectionPath: 'data.users', recordSchema: RestUserSchema }),
  ];
}

export const salesrabbit: Connector<typeof salesrabbitSpec.configSchema> = {
  ...salesrabbitSpec,
  http: (config) => ({
    baseUrl: config.api === 'graphql' ? (config.graphqlUrl ?? DEFAULT_GRAPHQL_URL) : (config.baseUrl ?? DEFAULT_BASE_URL),
    auth: bearerAuth(config.apiToken),
    describeError: describeSalesRabbitError,
  }),
  streams: (config) => (config.api === 'graphql' ? graphqlStreams(config) : [restStream(restLeadsDef(config)), restStream(restUsersDef(config))]),
  /** One lead: proves the token, the host and the API flavour chosen. */
  async test(ctx) {
    if (ctx.config.api !== 'graphql') {
      const r = await testConnection(ctx, { url: '/leads', query: { page: 1, perPage: 1 } });
      return r.ok ? { ok: true, message: 'Connected to SalesRabbit (REST)' } : r;
    }
    try {
      await graphqlRequest(ctx.http, { url: ctx.config.graphqlUrl ?? DEFAULT_GRAPHQL_URL, query: ctx.config.leadsQuery ?? LEADS_QUERY, variables: { cursor: null, limit: 1 }, connector: 'salesrabbit' });
      return { ok: true, message: 'Connected to SalesRabbit (GraphQL)' };
    } catch (err) {
      if (err instanceof SourceError) return { ok: false, message: err.message };
      throw err;
    }
  },
};
