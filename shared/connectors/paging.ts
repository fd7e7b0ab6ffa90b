import * as z from 'zod';
import { MalformedPageError, type SourceError } from '../errors';
import type { HttpClient, HttpResponse } from '../http/client';

/**
 * Pagination as strategy objects (Airbyte's paginator strategies, Nango's paginate service): each kind is
 * its config schema plus one object that says where a read starts, how a token goes into a request and
 * what the response says about the next page. A new kind is one schema and one entry in STRATEGIES.
 */

/** Reads `a.b.0.c` from a JSON value; '' is the value itself. */
export function getPath(value: unknown, path: string): unknown {
  if (!path) return value;
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const where = () => z.enum(['query', 'body']).default('query');

const kinds = () => ({
  none: z.object({ kind: z.literal('none') }),
  /** An opaque token from the response sent back as a query parameter or body field (HubSpot `after`). */
  cursor: z.object({
    kind: z.literal('cursor'),
    param: z.string().min(1),
    in: where(),
    next: z.string().min(1).describe('path of the next cursor in the response'),
  }),
  /** The response holds the URL (absolute or relative) of the next page (Salesforce `nextRecordsUrl`). */
  'next-url': z.object({ kind: z.literal('next-url'), next: z.string().min(1) }),
  /** Page numbers; stops on a short or empty page, or when `hasMore` (or `totalPages`) says so. */
  page: z.object({
    kind: z.literal('page'),
    param: z.string().default('page'),
    sizeParam: z.string().optional(),
    size: z.number().int().positive().default(100),
    start: z.number().int().nonnegative().default(1),
    hasMore: z.string().optional().describe('path of a boolean "more pages" flag'),
    /** CallRail's `total_pages`: the page numbered so (counting from `start` as the first) is the last. */
    totalPages: z.string().optional().describe('path of the total page count'),
    /** The same count from a response header (WooCommerce's `X-WP-TotalPages`). */
    totalPagesHeader: z.string().optional().describe('header holding the total page count'),
    in: where(),
  }),
  offset: z.object({
    kind: z.literal('offset'),
    param: z.string().default('offset'),
    sizeParam: z.string().default('limit'),
    size: z.number().int().positive().default(100),
    in: where(),
  }),
  /**
   * Keyset: the last record's `key` goes back as `param` (LeadConduit's `after_id`); a short or empty page
   * ends it. A finished run keeps the last key (`last` in the cursor) and the next incremental run starts
   * after it, so records ordered by an increasing key need no timestamp at all.
   */
  keyset: z.object({
    kind: z.literal('keyset'),
    param: z.string().min(1),
    key: z.string().min(1).default('id').describe('path of the key in a record'),
    sizeParam: z.string().optional(),
    size: z.number().int().positive().default(100),
    /** Path of a boolean "more pages" flag (Stripe's `has_more`); without it a short page is the last. */
    hasMore: z.string().optional(),
    /**
     * Whether the next incremental run starts after the last key (records ordered by an increasing key).
     * False for newest-first lists (Stripe's `starting_after`), where the key only pages.
     */
    resumeAfterLast: z.boolean().optional(),
    in: where(),
  }),
  /**
   * Page numbers for the first records, then an opaque token (Zoho CRM serves `page` only up to 2,000 records
   * and wants `page_token` beyond; the two are never sent together). Switches before the limit from the page
   * size the server reports, and when a page number is refused with a `page_limit` error (the connector's
   * `fault` names it) while a token is at hand. The token is `{page, token?, byToken?}`.
   */
  'page-then-token': z.object({
    kind: z.literal('page-then-token'),
    param: z.string().default('page'),
    tokenParam: z.string().min(1),
    /** Path of the next token in the response. */
    tokenPath: z.string().min(1),
    /** Path of the page size the server applied. */
    perPagePath: z.string().min(1),
    hasMore: z.string().min(1),
    /** Records reachable with page numbers. */
    maxRecordsByPage: z.number().int().positive(),
  }),
});

export const PaginationSchema = z.lazy(() => {
  const k = kinds();
  return z.discriminatedUnion('kind', [k.none, k.cursor, k['next-url'], k.page, k.offset, k.keyset, k['page-then-token']]);
});
export type Pagination = z.infer<typeof PaginationSchema>;
type Kind = Pagination['kind'];

/** The parts of a request a strategy may set. */
export interface PageRequest {
  url: string;
  query: Record<string, string | number | boolean>;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Puts a value where the declaration says it goes. */
export function put(req: PageRequest, at: 'query' | 'body' | 'header', key: string, value: string | number): void {
  if (at === 'query') req.query[key] = value;
  else if (at === 'body') req.body![key] = value;
  else req.headers[key] = String(value);
}

/** A page as a strategy sees it: the response, its records array, and a label for error messages. */
export interface PageResult {
  res: HttpResponse;
  records: unknown[];
  /** `connector/stream`, for messages. */
  label: string;
  url: string;
}

/** What the next request needs; `more: false` ends the read (a keyset's `token` is still kept, see `keepsLast`). */
export interface Step {
  more: boolean;
  token: unknown;
}

export interface Paginator {
  /** The token of the first request: the resumed (or kept) one, else where the kind starts. */
  initial(token: unknown): unknown;
  apply(req: PageRequest, token: unknown): void;
  next(page: PageResult, token: unknown): Step;
  /** The last token is where the next incremental run starts (keyset), kept in the cursor as `last`. */
  keepsLast?: boolean;
  /** A refusal this kind can page around: the token to ask again with, or undefined to fail. */
  recover?(err: SourceError, token: unknown): unknown;
}

/** What a strategy may need from the stream beyond its own declaration. */
export interface PagingEnv {
  http: HttpClient;
  /** Refuse next links to another origin than `base`'s (credentials never leave the configured host). */
  sameOriginNext?: boolean;
  label: string;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';
const isTrue = (v: unknown) => v === true || v === 'true';

const STRATEGIES: { [K in Kind]: (p: Extract<Pagination, { kind: K }>, env: PagingEnv) => Paginator } = {
  none: () => ({
    initial: () => undefined,
    apply: () => {},
    next: () => ({ more: false, token: undefined }),
  }),
  cursor: (p) => ({
    initial: (t) => t,
    apply: (req, t) => {
      if (t !== undefined) put(req, p.in, p.param, t as string);
    },
    next: ({ res }) => {
      const n = getPath(res.body, p.next);
      return present(n) ? { more: true, token: String(n) } : { more: false, token: undefined };
    },
  }),
  'next-url': (p, env) => ({
    initial: (t) => t,
    apply: (req, t) => {
      if (typeof t !== 'string') return;
      if (env.sameOriginNext && env.http.resolve(t).origin !== env.http.resolve(req.url).origin) {
        throw new MalformedPageError(`${env.label}: next page link points to another host (${env.http.resolve(t).host}); refusing to follow it`);
      }
      req.url = t;
      req.query = {};
    },
    next: ({ res }) => {
      const n = getPath(res.body, p.next);
      return typeof n === 'string' && n !== '' ? { more: true, token: n } : { more: false, token: undefined };
    },
  }),
  page: (p) => ({
    initial: (t) => t ?? p.start,
    apply: (req, t) => {
      put(req, p.in, p.param, t as number);
      if (p.sizeParam) put(req, p.in, p.sizeParam, p.size);
    },
    next: ({ res, records }, t) => {
      const n = t as number;
      const flag = p.hasMore ? getPath(res.body, p.hasMore) : undefined;
      const total = p.totalPagesHeader ? Number(res.headers[p.totalPagesHeader.toLowerCase()]) : p.totalPages ? Number(getPath(res.body, p.totalPages)) : NaN;
      const more = p.hasMore ? isTrue(flag) : Number.isFinite(total) ? n - p.start + 1 < total : records.length >= p.size;
      return { more, token: n + 1 };
    },
  }),
  offset: (p) => ({
    initial: (t) => t ?? 0,
    apply: (req, t) => {
      put(req, p.in, p.param, t as number);
      put(req, p.in, p.sizeParam, p.size);
    },
    next: ({ records }, t) => ({ more: records.length >= p.size, token: (t as number) + records.length }),
  }),
  keyset: (p) => ({
    keepsLast: p.resumeAfterLast !== false,
    initial: (t) => t,
    apply: (req, t) => {
      if (t !== undefined) put(req, p.in, p.param, t as string);
      if (p.sizeParam) put(req, p.in, p.sizeParam, p.size);
    },
    next: ({ res, records, label, url }, t) => {
      if (!records.length) return { more: false, token: undefined };
      const k = getPath(records[records.length - 1], p.key);
      if (!present(k)) throw new MalformedPageError(`${label}: the last record of a page of ${url} has no ${p.key}`);
      if (String(k) === t) throw new MalformedPageError(`${label}: paging by ${p.param} does not advance past ${String(k)}`);
      const more = p.hasMore ? isTrue(getPath(res.body, p.hasMore)) : records.length >= p.size;
      return { more, token: String(k) };
    },
  }),
  'page-then-token': pageThenToken,
};

/** Where a page-then-token read stands: the next page number, and the token for the page after the last one read. */
const PositionSchema = z.lazy(() => z.object({ page: z.number().int().positive(), token: z.string().optional(), byToken: z.boolean().optional() }));
type Position = z.infer<typeof PositionSchema>;

function pageThenToken(p: Extract<Pagination, { kind: 'page-then-token' }>): Paginator {
  return {
    initial: (t) => PositionSchema.safeParse(t).data ?? { page: 1 },
    apply: (req, t) => {
      const pos = t as Position;
      if (pos.byToken) put(req, 'query', p.tokenParam, pos.token!);
      else put(req, 'query', p.param, pos.page);
    },
    next: ({ res, records, label }, t) => {
      const pos = t as Position;
      const more = isTrue(getPath(res.body, p.hasMore));
      const n = getPath(res.body, p.tokenPath);
      const token = typeof n === 'string' && n ? n : undefined;
      const perPage = Number(getPath(res.body, p.perPagePath)) || records.length;
      // Switch before the server refuses: the next page number would pass the limit.
      const byToken = pos.byToken || (pos.page + 1) * perPage > p.maxRecordsByPage;
      if (more && byToken && !token) throw new MalformedPageError(`${label}: page ${pos.page} says more records follow but gives no ${p.tokenPath}`);
      return { more, token: { page: pos.page + 1, token, ...(byToken ? { byToken: true } : {}) } };
    },
    recover: (err, t) => {
      const pos = t as Position;
      return err.code === 'page_limit' && !pos.byToken && pos.token ? { ...pos, byToken: true } : undefined;
    },
  };
}

/** The strategy object for a stream's declared pagination. */
export function paginator(p: Pagination, env: PagingEnv): Paginator {
  return (STRATEGIES[p.kind] as (p: Pagination, env: PagingEnv) => Paginator)(p, env);
}
