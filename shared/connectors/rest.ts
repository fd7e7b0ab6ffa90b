import { z } from 'zod';
import { MalformedPageError, SourceError } from '../errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/client';
import type { Page, ReadContext, RejectedRecord, SourceRecord, Stream, TestResult } from './types';

/**
 * REST streams as data: request, pagination, record path, id, incremental cursor. HubSpot, CallRail, Zoho,
 * the user's own Custom API… are declarations over this one reader.
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

export const PaginationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** An opaque token from the response sent back as a query parameter or body field (HubSpot `after`). */
  z.object({
    kind: z.literal('cursor'),
    param: z.string().min(1),
    in: z.enum(['query', 'body']).default('query'),
    next: z.string().min(1).describe('path of the next cursor in the response'),
  }),
  /** The response holds the URL (absolute or relative) of the next page (Salesforce `nextRecordsUrl`). */
  z.object({ kind: z.literal('next-url'), next: z.string().min(1) }),
  /** Page numbers; stops on a short or empty page, or when `hasMore` (or `totalPages`) says so. */
  z.object({
    kind: z.literal('page'),
    param: z.string().default('page'),
    sizeParam: z.string().optional(),
    size: z.number().int().positive().default(100),
    start: z.number().int().nonnegative().default(1),
    hasMore: z.string().optional().describe('path of a boolean "more pages" flag'),
    /** CallRail's `total_pages`: the page numbered so (counting from `start` as the first) is the last. */
    totalPages: z.string().optional().describe('path of the total page count'),
    in: z.enum(['query', 'body']).default('query'),
  }),
  z.object({
    kind: z.literal('offset'),
    param: z.string().default('offset'),
    sizeParam: z.string().default('limit'),
    size: z.number().int().positive().default(100),
    in: z.enum(['query', 'body']).default('query'),
  }),
  /**
   * Keyset: the last record's `key` goes back as `param` (LeadConduit's `after_id`); a short or empty page
   * ends it. A finished run keeps the last key (`last` in the cursor) and the next incremental run starts
   * after it, so records ordered by an increasing key need no timestamp at all.
   */
  z.object({
    kind: z.literal('keyset'),
    param: z.string().min(1),
    key: z.string().min(1).default('id').describe('path of the key in a record'),
    sizeParam: z.string().optional(),
    size: z.number().int().positive().default(100),
    in: z.enum(['query', 'body']).default('query'),
  }),
]);
export type Pagination = z.infer<typeof PaginationSchema>;

export const IncrementalSchema = z.object({
  /** Path of the record's last-modified value. */
  field: z.string().min(1),
  /** Where the lower bound is sent: a query parameter, a body field, or a header (Zoho's If-Modified-Since). */
  param: z.string().min(1),
  in: z.enum(['query', 'body', 'header']).default('query'),
  /** `iso-offset` is second precision with an explicit `+00:00` (Arrivy, CallRail: `YYYY-MM-DDTHH:mm:ssZZ`). */
  format: z.enum(['iso', 'epoch-ms', 'epoch-s', 'date', 'iso-offset']).default('iso'),
  /** Re-reads this much before the high-water mark: sources commit late; duplicates are free (upserts). */
  lookbackMs: z.number().int().nonnegative().default(60_000),
  /**
   * Where the mark comes from: the newest `field` value read (default), or the time the run started, for
   * sources whose filter selects by something that is not a modification time (Arrivy's `from` is a task's
   * scheduled start: the newest start read may lie weeks ahead, so it can't say what changed since).
   */
  mark: z.enum(['records', 'run-start']).optional(),
});
export type Incremental = z.infer<typeof IncrementalSchema>;

export interface RestStreamDef<C> {
  name: string;
  method?: 'GET' | 'POST';
  /** Path joined to the base URL; may be computed from the config. */
  path: string | ((config: C) => string);
  query?: Record<string, string | number | boolean> | ((config: C) => Record<string, string | number | boolean>);
  body?: Record<string, unknown> | ((config: C) => Record<string, unknown>);
  headers?: Record<string, string> | ((config: C) => Record<string, string>);
  pagination: Pagination;
  /** Path of the records array in the response ('' when the response is the array). */
  records: string;
  /** Path of the id in a record. */
  id: string;
  incremental?: Incremental;
  /** Statuses that mean "nothing (new) here" rather than an error (Zoho 204/304). */
  emptyStatuses?: number[];
  /** Maps a raw record to what we store; throw to reject just this record. Default: the record as is. */
  map?: (raw: Record<string, unknown>) => Record<string, unknown>;
  /** Validates each raw record; a failure rejects that record with the zod message. */
  recordSchema?: z.ZodType;
  /** Marks records the source reports as deleted (e.g. `archived: true`). */
  deleted?: (raw: Record<string, unknown>) => boolean;
  /**
   * `keyset` paging: moves a stored key back by the lookback before an incremental run starts after it
   * (LeadConduit's ids are ObjectIds whose first 4 bytes are the creation second). Default: the key as is.
   */
  rewindKey?: (key: string) => string;
  /**
   * `next-url` paging: refuse a next link on another origin than the stream's own, so credentials are never
   * sent to a host the user did not configure (the Custom API connector sets it). Default false.
   */
  sameOriginNext?: boolean;
  /** Extra figures for the run stats from each response, e.g. a rate-limit header (RingCentral's X-Rate-Limit-Remaining). */
  info?: (res: HttpResponse) => Record<string, unknown> | undefined;
}

/** The stream's cursor: the next page while a run is in progress, the high-water mark once it is done. */
export const RestCursorSchema = z
  .object({
    next: z.unknown().optional(),
    since: z.string().optional(),
    hwm: z.string().optional(),
    /** `keyset` paging: the last key read, where the next incremental run starts. */
    last: z.string().optional(),
  })
  .nullable();
export type RestCursor = z.infer<typeof RestCursorSchema>;

function resolve<T, C>(v: T | ((config: C) => T) | undefined, config: C): T | undefined {
  return typeof v === 'function' ? (v as (c: C) => T)(config) : v;
}

export function formatTime(iso: string, format: Incremental['format']): string {
  const ms = Date.parse(iso);
  switch (format) {
    case 'epoch-ms':
      return String(ms);
    case 'epoch-s':
      return String(Math.floor(ms / 1000));
    case 'date':
      return new Date(ms).toISOString().slice(0, 10);
    case 'iso-offset':
      return new Date(ms).toISOString().slice(0, 19) + '+00:00';
    default:
      return new Date(ms).toISOString();
  }
}

/** Normalizes a source timestamp (ISO string, epoch ms or s) to ISO, or undefined. */
export function toIso(v: unknown): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,}$/.test(v))) {
    const n = Number(v);
    return new Date(n < 1e11 ? n * 1000 : n).toISOString();
  }
  // A date-time without a zone is UTC (Arrivy prints `2017-10-14T06:23:33`), as on Lambda, not the host's zone.
  const s = String(v);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function maxIso(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Where an incremental run starts: `since` beats the stored mark; the lookback re-reads late commits. */
export function incrementalStart(ctx: ReadContext<unknown>, hwm: string | undefined, lookbackMs: number): string | undefined {
  if (ctx.since) return new Date(Date.parse(ctx.since)).toISOString();
  if (ctx.mode !== 'incremental' || !hwm) return undefined;
  return new Date(Date.parse(hwm) - lookbackMs).toISOString();
}

/** Splits raw records into mapped records and rejected ones; ids and timestamps come from the def. */
export function mapRecords<C>(def: Pick<RestStreamDef<C>, 'id' | 'incremental' | 'map' | 'recordSchema' | 'deleted'>, raws: unknown[]) {
  const records: SourceRecord[] = [];
  const rejected: RejectedRecord[] = [];
  let hwm: string | undefined;
  for (const raw of raws) {
    const rawId = getPath(raw, def.id);
    const id = rawId === undefined || rawId === null || rawId === '' ? undefined : String(rawId);
    try {
      if (!raw || typeof raw !== 'object') throw new Error('record is not an object');
      if (!id) throw new Error(`record has no ${def.id}`);
      if (def.recordSchema) {
        const r = def.recordSchema.safeParse(raw);
        if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      const updatedAt = def.incremental ? toIso(getPath(raw, def.incremental.field)) : undefined;
      hwm = maxIso(hwm, updatedAt);
      const data = def.map ? def.map(raw as Record<string, unknown>) : (raw as Record<string, unknown>);
      records.push({ id, data, updatedAt, deleted: def.deleted?.(raw as Record<string, unknown>) || undefined });
    } catch (err) {
      rejected.push({ id, reason: (err as Error).message });
    }
  }
  return { records, rejected, hwm };
}

/** Builds a stream from its declaration. */
export function restStream<C>(def: RestStreamDef<C>): Stream<C> {
  return {
    name: def.name,
    async *read(ctx: ReadContext<C>, rawCursor: unknown): AsyncIterable<Page> {
      const parsed = RestCursorSchema.safeParse(rawCursor ?? null);
      const stored: RestCursor = parsed.success ? parsed.data : null;
      const resuming = ctx.resuming && stored?.next !== undefined;
      const p = def.pagination;
      // Keyset: an incremental run continues after the last key read (an explicit `since` wins).
      const afterKey =
        !resuming && p.kind === 'keyset' && ctx.mode === 'incremental' && !ctx.since && stored?.last ? (def.rewindKey?.(stored.last) ?? stored.last) : undefined;
      const since =
        resuming ? stored?.since : def.incremental && afterKey === undefined ? incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, def.incremental.lookbackMs) : undefined;
      const byRunStart = def.incremental?.mark === 'run-start';
      let hwm = byRunStart && !resuming ? new Date().toISOString() : stored?.hwm;
      let last = stored?.last;
      let next: unknown = resuming ? stored?.next : afterKey;
      if (next === undefined && p.kind === 'page') next = p.start;
      if (next === undefined && p.kind === 'offset') next = 0;

      for (let first = true; ; first = false) {
        const query: Record<string, string | number | boolean> = { ...resolve(def.query, ctx.config) };
        const body: Record<string, unknown> | undefined = def.body || def.method === 'POST' ? { ...resolve(def.body, ctx.config) } : undefined;
        const headers: Record<string, string> = { ...resolve(def.headers, ctx.config) };
        let url = resolve(def.path, ctx.config)!;
        const put = (where: 'query' | 'body' | 'header', k: string, v: string | number) => {
          if (where === 'query') query[k] = v;
          else if (where === 'body') body![k] = v;
          else headers[k] = String(v);
        };
        if (since && def.incremental) put(def.incremental.in, def.incremental.param, formatTime(since, def.incremental.format));
        if (p.kind === 'cursor' && next !== undefined) put(p.in, p.param, next as string);
        if (p.kind === 'page') {
          put(p.in, p.param, next as number);
          if (p.sizeParam) put(p.in, p.sizeParam, p.size);
        }
        if (p.kind === 'offset') {
          put(p.in, p.param, next as number);
          put(p.in, p.sizeParam, p.size);
        }
        if (p.kind === 'keyset') {
          if (next !== undefined) put(p.in, p.param, next as string);
          if (p.sizeParam) put(p.in, p.sizeParam, p.size);
        }
        const req: HttpRequest = { method: def.method ?? 'GET', url, query, headers, body, stream: def.name, okStatuses: def.emptyStatuses };
        if (p.kind === 'next-url' && typeof next === 'string') {
          if (def.sameOriginNext && ctx.http.resolve(next).origin !== ctx.http.resolve(url).origin) {
            throw new MalformedPageError(`${ctx.connector}/${def.name}: next page link points to another host (${ctx.http.resolve(next).host}); refusing to follow it`);
          }
          url = next;
          Object.assign(req, { url, query: {} });
        }
        const res = await ctx.http.request(req);
        if (def.emptyStatuses?.includes(res.status)) {
          const info = def.info?.(res);
          yield { records: [], cursor: { hwm, last }, ...(info ? { info } : {}) };
          return;
        }
        const raws = getPath(res.body, def.records);
        if (!Array.isArray(raws)) {
          throw new MalformedPageError(
            `${ctx.connector}/${def.name}: page ${first ? 1 : 'n'} of ${url} has no array at "${def.records || '(root)'}"`,
          );
        }
        const { records, rejected, hwm: pageHwm } = mapRecords(def, raws);
        if (!byRunStart) hwm = maxIso(hwm, pageHwm);

        let more: boolean;
        switch (p.kind) {
          case 'none':
            more = false;
            break;
          case 'cursor': {
            const n = getPath(res.body, p.next);
            more = n !== undefined && n !== null && n !== '';
            next = more ? String(n) : undefined;
            break;
          }
          case 'next-url': {
            const n = getPath(res.body, p.next);
            more = typeof n === 'string' && n !== '';
            next = more ? n : undefined;
            break;
          }
          case 'page': {
            const flag = p.hasMore ? getPath(res.body, p.hasMore) : undefined;
            const total = p.totalPages ? Number(getPath(res.body, p.totalPages)) : NaN;
            more = p.hasMore ? flag === true || flag === 'true' : Number.isFinite(total) ? (next as number) - p.start + 1 < total : raws.length >= p.size;
            next = (next as number) + 1;
            break;
          }
          case 'keyset': {
            if (!raws.length) {
              more = false;
              break;
            }
            const k = getPath(raws[raws.length - 1], p.key);
            if (k === undefined || k === null || k === '') throw new MalformedPageError(`${ctx.connector}/${def.name}: the last record of a page of ${url} has no ${p.key}`);
            if (String(k) === next) throw new MalformedPageError(`${ctx.connector}/${def.name}: paging by ${p.param} does not advance past ${String(k)}`);
            next = last = String(k);
            more = raws.length >= p.size;
            break;
          }
          case 'offset':
            more = raws.length >= p.size;
            next = (next as number) + raws.length;
            break;
        }
        const info = def.info?.(res);
        yield { records, rejected, cursor: more ? { next, since, hwm, last } : { hwm, last }, ...(info ? { info } : {}) };
        if (!more) return;
      }
    },
  };
}

/**
 * A connection test that makes one cheap request: ok with the seed's "Connection successful", or the
 * SourceError's message, which starts with the seed's wording ("Authentication Failed", "Rate Limit
 * Exceeded", "Endpoint Not Found", "Invalid API Key") and never carries a secret. Other errors propagate.
 * @example test: (ctx) => testConnection(ctx, { url: '/crm/v3/objects/contacts', query: { limit: 1 } })
 */
export async function testConnection(ctx: { http: HttpClient }, req: HttpRequest): Promise<TestResult> {
  try {
    await ctx.http.request(req);
    return { ok: true, message: 'Connection successful' };
  } catch (err) {
    if (err instanceof SourceError) return { ok: false, message: err.message };
    throw err;
  }
}
