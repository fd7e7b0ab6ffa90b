import * as z from 'zod';
import { MalformedPageError, SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import { formatTime, getPath, incrementalStart, mapRecords, maxIso, RestCursorSchema, type Incremental } from './rest';
import type { Page, ReadContext, Stream } from './types';

/**
 * GraphQL streams as data: a query, its variables, where the connection sits in the response, and which
 * variables carry the page size, the `after` cursor and (optionally) the incremental lower bound. Pages are
 * Relay connections (`edges { node cursor } pageInfo { hasNextPage endCursor }`), read while `hasNextPage`;
 * a field that is a plain list is read in one request. The cursor is the REST reader's `{next, since, hwm}`.
 * https://graphql.org/learn/pagination/ · https://relay.dev/graphql/connections.htm
 * @example graphqlStream({ name: 'leads', query: LEADS, connectionPath: 'data.leads', pageSize: 100, afterVariable: 'cursor', firstVariable: 'limit' })
 */
export interface GraphqlStreamDef<C> {
  name: string;
  /** The endpoint: a path joined to the base URL or an absolute URL (default: the base URL itself). */
  url?: string | ((config: C) => string);
  query: string | ((config: C) => string);
  /** Fixed variables sent with every page. */
  variables?: Record<string, unknown> | ((config: C) => Record<string, unknown>);
  headers?: Record<string, string> | ((config: C) => Record<string, string>);
  /** Path of the connection (or plain list) in the response body, e.g. `data.leads`. */
  connectionPath: string;
  /** Records per page, sent in `firstVariable`. */
  pageSize?: number;
  /** Variable names of the page size and the cursor (Relay: `first`, `after`). */
  firstVariable?: string;
  afterVariable?: string;
  /** Path of the id in a node (default `id`). */
  id?: string;
  /** Path of the node's last-modified time: record timestamps and the high-water mark. */
  updatedAt?: string;
  /**
   * Incremental runs send the mark minus `lookbackMs` in this variable (the query must declare and use it).
   * Without it every run reads everything; unchanged records cost no writes.
   */
  since?: {
    variable: string;
    format?: Incremental['format'];
    lookbackMs?: number;
    /** The variable's text around the time, `{since}` marking where it goes (Shopify: `updated_at:>='{since}'`). */
    template?: string;
  };
  /** A cost-based limit the server reports in each answer (see CostThrottle). */
  costThrottle?: CostThrottle;
  map?: (raw: Record<string, unknown>) => Record<string, unknown>;
  recordSchema?: z.ZodType;
  deleted?: (raw: Record<string, unknown>) => boolean;
}

/**
 * A leaky-bucket query-cost limit reported in every answer (Shopify: `extensions.cost` with
 * `requestedQueryCost` and `throttleStatus {currentlyAvailable, restoreRate}`): before a query the bucket
 * cannot pay for, wait `(cost − available) / restoreRate` seconds; an answer refused as throttled (HTTP 200
 * with an error of `throttledCode`) waits the same way and is asked again. Paths are relative to `path`.
 * https://shopify.dev/docs/api/usage/rate-limits#graphql-admin-api-rate-limits
 */
export const CostThrottleSchema = z.object({
  path: z.string().min(1),
  requested: z.string().min(1),
  available: z.string().min(1),
  restoreRate: z.string().min(1),
  throttledCode: z.string().min(1),
});
export type CostThrottle = z.infer<typeof CostThrottleSchema>;

/** Asked again at most this many times when the server still says throttled. */
const MAX_THROTTLED = 5;

/** What the last answer said about the bucket; tells how long to wait before the next query. */
export class CostBucket {
  private cost?: number;
  private available?: number;
  private restoreRate?: number;

  constructor(private readonly def: CostThrottle) {}

  update(body: unknown): void {
    const at = getPath(body, this.def.path);
    const num = (p: string) => {
      const v = Number(getPath(at, p));
      return Number.isFinite(v) ? v : undefined;
    };
    this.cost = num(this.def.requested) ?? this.cost;
    this.available = num(this.def.available) ?? this.available;
    this.restoreRate = num(this.def.restoreRate) ?? this.restoreRate;
  }

  /** Milliseconds until the bucket holds the last query's cost again (0 when it does, or nothing is known yet). */
  waitMs(): number {
    if (this.cost === undefined || this.available === undefined || !this.restoreRate) return 0;
    return this.available >= this.cost ? 0 : Math.ceil(((this.cost - this.available) / this.restoreRate) * 1000);
  }

  throttled(errors: z.infer<typeof GraphqlErrorSchema>[]): boolean {
    return errors.some((e) => e.extensions?.code === this.def.throttledCode);
  }
}

/** The GraphQL response envelope. https://spec.graphql.org/October2021/#sec-Response-Format */
export const GraphqlErrorSchema = z.looseObject({
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  extensions: z.looseObject({ code: z.string().optional() }).optional(),
});
export const GraphqlResponseSchema = z.looseObject({ data: z.unknown().optional(), errors: z.array(GraphqlErrorSchema).optional() });

export const ConnectionSchema = z.object({
  edges: z.array(z.object({ node: z.record(z.string(), z.unknown()), cursor: z.string().nullish() })),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
});
const PlainListSchema = z.array(z.record(z.string(), z.unknown()));

/** `UNAUTHENTICATED: Invalid token; leads: Cursor is invalid` for error messages (never the query or variables). */
export function describeGraphqlErrors(errors: z.infer<typeof GraphqlErrorSchema>[]): string {
  return errors
    .slice(0, 5)
    .map((e) => [e.extensions?.code, e.path?.length ? `${e.path.join('.')}: ${e.message}` : e.message].filter(Boolean).join(': '))
    .join('; ');
}

/** For `HttpSetup.describeError`: GraphQL servers often answer 400/401 with an `errors` array. */
export function describeGraphqlError(_status: number, body: unknown): string | undefined {
  const r = GraphqlResponseSchema.safeParse(body);
  return r.success && r.data.errors?.length ? describeGraphqlErrors(r.data.errors) : undefined;
}

const AUTH_CODES = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);

/**
 * One POST of a query. An `errors` array fails it with a SourceError naming the server's messages (an
 * authentication code gives the seed's "Authentication Failed"); a body that is not a GraphQL response is a
 * MalformedPageError. HTTP statuses, retries and rate limits are the shared client's.
 */
export async function graphqlRequest(
  http: HttpClient,
  req: { url: string; query: string; variables?: Record<string, unknown>; headers?: Record<string, string>; stream?: string; connector: string; bucket?: CostBucket },
): Promise<unknown> {
  const where = `${req.connector}${req.stream ? `/${req.stream}` : ''} POST ${http.resolve(req.url).pathname}`;
  for (let throttled = 0; ; throttled++) {
    const wait = req.bucket?.waitMs() ?? 0;
    if (wait > 0) await http.throttle(where, wait);
    const res = await http.request({ method: 'POST', url: req.url, body: { query: req.query, variables: req.variables ?? {} }, headers: req.headers, stream: req.stream });
    const parsed = GraphqlResponseSchema.safeParse(res.body);
    if (!parsed.success || res.body === null || typeof res.body !== 'object') throw new MalformedPageError(`${where}: the answer is not a GraphQL response`);
    req.bucket?.update(res.body);
    const errors = parsed.data.errors ?? [];
    if (req.bucket?.throttled(errors)) {
      http.stats.http429++;
      if (throttled < MAX_THROTTLED) continue;
      throw new SourceError('rate_limited', `Rate Limit Exceeded: ${where} still throttled after ${MAX_THROTTLED} waits`, { retryable: true });
    }
    return checked(parsed.data, errors, where, res.status);
  }
}

/** The answer's data, or its errors as a SourceError (an authentication code gives "Authentication Failed"). */
function checked(data: z.infer<typeof GraphqlResponseSchema>, errors: z.infer<typeof GraphqlErrorSchema>[], where: string, status: number): unknown {
  if (errors.length) {
    const auth = errors.some((e) => AUTH_CODES.has(e.extensions?.code ?? ''));
    throw new SourceError(auth ? 'auth_failed' : 'graphql_error', `${auth ? 'Authentication Failed' : 'Request failed'}: ${where} answered GraphQL errors (${describeGraphqlErrors(errors)})`, {
      status,
    });
  }
  return data;
}

function resolve<T, C>(v: T | ((config: C) => T) | undefined, config: C): T | undefined {
  return typeof v === 'function' ? (v as (c: C) => T)(config) : v;
}

/** Builds a stream from its declaration. */
export function graphqlStream<C>(def: GraphqlStreamDef<C>): Stream<C> {
  const firstVar = def.firstVariable ?? 'first';
  const afterVar = def.afterVariable ?? 'after';
  const recordDef = {
    id: def.id ?? 'id',
    incremental: def.updatedAt ? { field: def.updatedAt, param: def.since?.variable ?? '-', in: 'body' as const, format: 'iso' as const, lookbackMs: 0 } : undefined,
    map: def.map,
    recordSchema: def.recordSchema,
    deleted: def.deleted,
  };
  return {
    name: def.name,
    async *read(ctx: ReadContext<C>, rawCursor: unknown): AsyncIterable<Page> {
      const parsed = RestCursorSchema.safeParse(rawCursor ?? null);
      const stored = parsed.success ? parsed.data : null;
      const resuming = ctx.resuming && typeof stored?.next === 'string';
      const since = resuming ? stored?.since : def.since ? incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, def.since.lookbackMs ?? 60_000) : undefined;
      let hwm = stored?.hwm;
      let after = resuming ? (stored?.next as string) : undefined;
      const url = resolve(def.url, ctx.config) ?? '';
      const query = resolve(def.query, ctx.config)!;
      const bucket = def.costThrottle ? new CostBucket(def.costThrottle) : undefined;

      for (let page = 1; ; page++) {
        const variables: Record<string, unknown> = { ...resolve(def.variables, ctx.config), [afterVar]: after ?? null };
        if (def.pageSize) variables[firstVar] = def.pageSize;
        if (since && def.since) {
          const t = formatTime(since, def.since.format ?? 'iso');
          variables[def.since.variable] = def.since.template ? def.since.template.replace('{since}', t) : t;
        }
        const body = await graphqlRequest(ctx.http, { url, query, variables, headers: resolve(def.headers, ctx.config), stream: def.name, connector: ctx.connector, bucket });
        const value = getPath(body, def.connectionPath);
        const list = PlainListSchema.safeParse(value);
        const conn = list.success ? undefined : ConnectionSchema.safeParse(value);
        if (!list.success && !conn!.success) {
          const issue = conn!.error.issues[0];
          throw new MalformedPageError(`${ctx.connector}/${def.name}: page ${page} has no connection at "${def.connectionPath}" (${issue?.path.join('.') || 'value'}: ${issue?.message})`);
        }
        const raws = list.success ? list.data : conn!.data!.edges.map((e) => e.node);
        const { records, rejected, hwm: pageHwm } = mapRecords(recordDef, raws);
        hwm = maxIso(hwm, pageHwm);
        const info = conn?.data?.pageInfo;
        const more = info?.hasNextPage === true;
        if (more) {
          const end = info!.endCursor;
          if (!end) throw new MalformedPageError(`${ctx.connector}/${def.name}: page ${page} says more pages follow but gives no pageInfo.endCursor`);
          if (end === after) throw new MalformedPageError(`${ctx.connector}/${def.name}: page ${page} gives the same endCursor as the page before; paging would not advance`);
          after = end;
        }
        yield { records, rejected, cursor: more ? { next: after, since, hwm } : { hwm } };
        if (!more) return;
      }
    },
  };
}
