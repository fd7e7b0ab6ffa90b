import * as z from 'zod';
import { MalformedPageError, SourceError } from '../errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/client';
import { httpDate } from '../http/http-date';
import { getPath, paginator, put, type PageRequest, type Pagination } from './paging';
import type { Page, ReadContext, RejectedRecord, SourceRecord, Stream, TestResult } from './types';

/**
 * REST streams as data: request, pagination, record path, id, incremental cursor. HubSpot, CallRail, Zoho,
 * the user's own Custom API… are declarations over this one reader. Paging kinds live in paging.ts.
 */
export { getPath, PaginationSchema, type Pagination } from './paging';

export const IncrementalSchema = z.lazy(() =>
  z.object({
    /** Path of the record's last-modified value. */
    field: z.string().min(1),
    /** Where the lower bound is sent: a query parameter, a body field, or a header (Zoho's If-Modified-Since). */
    param: z.string().min(1),
    in: z.enum(['query', 'body', 'header']).default('query'),
    /**
     * `iso-offset` is second precision with an explicit `+00:00` (Arrivy, CallRail: `YYYY-MM-DDTHH:mm:ssZZ`);
     * `naive` is second precision in UTC without a zone (WordPress with `dates_are_gmt=true`);
     * `http-date` is RFC 9110's IMF-fixdate, what an `If-Modified-Since` header carries.
     */
    format: z.enum(['iso', 'epoch-ms', 'epoch-s', 'date', 'iso-offset', 'naive', 'http-date']).default('iso'),
    /** Re-reads this much before the high-water mark: sources commit late; duplicates are free (upserts). */
    lookbackMs: z.number().int().nonnegative().default(60_000),
    /**
     * Where the mark comes from: the newest `field` value read (default), or the time the run started, for
     * sources whose filter selects by something that is not a modification time (Arrivy's `from` is a task's
     * scheduled start: the newest start read may lie weeks ahead, so it can't say what changed since).
     */
    mark: z.enum(['records', 'run-start']).optional(),
  }),
);
export type Incremental = z.infer<typeof IncrementalSchema>;

/**
 * How a stream reads its response body: JSON as the client decoded it (JSON_READER, the default), or XML
 * parsed to the same kind of value (response.ts's, kept out of this module so a bundle that never reads XML
 * carries no XML parser), so record, id and paging paths are dotted paths into either.
 */
export interface ResponseReader {
  /** The Accept header the stream sends (default: the client's). */
  accept?: string;
  /** The decoded body, or MalformedPageError. */
  body(raw: unknown, what: string): unknown;
  /** The records at `path`, or undefined when the page has none where they should be. */
  records(body: unknown, path: string): unknown[] | undefined;
}

export const JSON_READER: ResponseReader = {
  body: (raw) => raw,
  records: (body, path) => {
    const v = getPath(body, path);
    return Array.isArray(v) ? v : undefined;
  },
};

export interface RestStreamDef<C> {
  name: string;
  method?: 'GET' | 'POST';
  /** Path joined to the base URL; may be computed from the config. */
  path: string | ((config: C) => string);
  query?: Record<string, string | number | boolean> | ((config: C) => Record<string, string | number | boolean>);
  body?: Record<string, unknown> | ((config: C) => Record<string, unknown>);
  headers?: Record<string, string> | ((config: C) => Record<string, string>);
  pagination: Pagination;
  /**
   * Whether the list keeps its order while it is paged (see Stream.stablePaging). Default: yes, except page
   * and offset paging, whose positions shift when the source reorders or inserts records mid-read.
   */
  stablePaging?: boolean;
  /** How the response body is read (default JSON_READER). */
  response?: ResponseReader;
  /** Renders the request body, with what paging and incremental put in it, as the API wants it (an XML document). Default: JSON. */
  encode?: (body: Record<string, unknown>, config: C) => string;
  /** Reads an error in the vendor's body into ours, on any status (a SOAP fault; a 200 whose body says the call failed). */
  fault?: HttpRequest['fault'];
  /** Path of the records array in the response ('' when the response is the array). */
  records: string;
  /** Path of the id in a record, or how to make one (ids unique only within a parent, such as a Mailchimp audience). */
  id: string | ((raw: Record<string, unknown>) => unknown);
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
  /** Query sent when a read has no lower bound (CallRail's `date_range=all_time`: unfiltered lists hold only recent records). */
  unbounded?: Record<string, string | number | boolean>;
  /**
   * How a bounded read (incremental, or `since`) finds what changed when the list itself cannot filter by
   * modification: another request whose records carry the changed object (Stripe's Events API).
   */
  changes?: Pick<RestStreamDef<C>, 'path' | 'query' | 'pagination' | 'records' | 'id' | 'incremental' | 'map' | 'deleted'>;
  /** Reads the stream once per partition, in order (every Mailchimp audience's members; Arrivy's unscheduled tasks). */
  partitions?: (ctx: ReadContext<C>) => Promise<Partition[]>;
  /** Extra figures for the run stats from each response, e.g. a rate-limit header (RingCentral's X-Rate-Limit-Remaining). */
  info?: (res: HttpResponse) => Record<string, unknown> | undefined;
}

/** One pass of a partitioned stream: its id (kept in the cursor to resume there) and what it changes in the request. */
export interface Partition {
  id: string;
  path?: string;
  query?: Record<string, string | number | boolean>;
  /** Read without the incremental bound (Arrivy's unscheduled tasks have no start to filter on). */
  unbounded?: boolean;
}

/** Partitions from another stream's records: one per record, `{id}` in `path` replaced by its id (Airbyte's substreams). */
export function partitionsFrom<C>(parent: RestStreamDef<C>, path: string): (ctx: ReadContext<C>) => Promise<Partition[]> {
  return async (ctx) => {
    const out: Partition[] = [];
    for await (const page of restStream(parent).read({ ...ctx, mode: 'full', since: undefined, resuming: false }, null)) {
      for (const r of page.records) out.push({ id: r.id, path: path.replace('{id}', encodeURIComponent(r.id)) });
    }
    return out;
  };
}

/** A record must carry its id; the rest is the vendor's, stored as is. */
export const RecordWithIdSchema = z.lazy(() => z.looseObject({ id: z.union([z.string().min(1), z.number()]) }));

/** The stream's cursor: the next page while a run is in progress, the high-water mark once it is done. */
export const RestCursorSchema = z.lazy(() =>
  z
    .object({
      next: z.unknown().optional(),
      since: z.string().optional(),
      hwm: z.string().optional(),
      /** `keyset` paging: the last key read, where the next incremental run starts. */
      last: z.string().optional(),
      /** A partitioned stream: the partition being read. */
      part: z.string().optional(),
    })
    .nullable(),
);
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
    case 'naive':
      return new Date(ms).toISOString().slice(0, 19);
    case 'http-date':
      return httpDate(ms);
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
  const s = String(v);
  // Microsoft JSON dates (Xero): `/Date(1714557600000+0000)/`, epoch ms; the offset is informational.
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(s);
  if (ms) return new Date(Number(ms[1])).toISOString();
  // A date-time without a zone is UTC (Arrivy prints `2017-10-14T06:23:33`), as on Lambda, not the host's zone.
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
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
    const rawId = typeof def.id === 'function' ? (raw && typeof raw === 'object' ? def.id(raw as Record<string, unknown>) : undefined) : getPath(raw, def.id);
    const id = rawId === undefined || rawId === null || rawId === '' ? undefined : String(rawId);
    try {
      if (!raw || typeof raw !== 'object') throw new Error('record is not an object');
      if (!id) throw new Error(`record has no ${typeof def.id === 'function' ? 'id' : def.id}`);
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

/** Paging kinds that address pages by position: a record moved to an earlier page mid-read is missed. */
const POSITIONAL: Pagination['kind'][] = ['page', 'offset', 'page-then-token'];

/** Builds a stream from its declaration. */
export function restStream<C>(base: RestStreamDef<C>): Stream<C> {
  return {
    name: base.name,
    stablePaging: base.stablePaging ?? !POSITIONAL.includes(base.pagination.kind),
    async *read(ctx: ReadContext<C>, rawCursor: unknown): AsyncIterable<Page> {
      const parsed = RestCursorSchema.safeParse(rawCursor ?? null);
      const stored: RestCursor = parsed.success ? parsed.data : null;
      const resuming = ctx.resuming && (stored?.next !== undefined || stored?.part !== undefined);
      const keyset = base.pagination.kind === 'keyset' && base.pagination.resumeAfterLast !== false;
      // Keyset: an incremental run continues after the last key read (an explicit `since` wins).
      const afterKey = !resuming && keyset && ctx.mode === 'incremental' && !ctx.since && stored?.last ? (base.rewindKey?.(stored.last) ?? stored.last) : undefined;
      const since =
        resuming ? stored?.since : base.incremental && afterKey === undefined ? incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, base.incremental.lookbackMs) : undefined;
      const def: RestStreamDef<C> = since && base.changes ? { ...base, ...base.changes } : base;
      const byRunStart = def.incremental?.mark === 'run-start';
      const state = { hwm: byRunStart && !resuming ? new Date().toISOString() : stored?.hwm, last: stored?.last };
      const parts: Array<Partition | undefined> = def.partitions ? await def.partitions(ctx) : [undefined];
      const from = resuming && stored?.part !== undefined ? Math.max(0, parts.findIndex((p) => p?.id === stored.part)) : 0;
      for (let i = from; i < parts.length; i++) {
        const part = parts[i];
        const following = parts[i + 1];
        const start = resuming && i === from ? stored?.next : afterKey;
        for await (const page of readPartition(def, ctx, part, part?.unbounded ? undefined : since, start, state)) {
          // A partition's end is not the stream's: the cursor then points at the next partition.
          const done = page.cursor === undefined;
          if (done && following) yield { ...page, cursor: { part: following.id, since, hwm: state.hwm, last: state.last } };
          else yield { ...page, cursor: done ? { hwm: state.hwm, last: state.last } : { next: page.cursor, since, hwm: state.hwm, last: state.last, part: part?.id } };
        }
      }
    },
  };
}

/** Reads one partition (or the whole stream) page by page; a page's `cursor` is the next token, undefined after the last. */
async function* readPartition<C>(
  def: RestStreamDef<C>,
  ctx: ReadContext<C>,
  part: Partition | undefined,
  since: string | undefined,
  start: unknown,
  state: { hwm?: string; last?: string },
): AsyncIterable<Page> {
  const label = `${ctx.connector}/${def.name}`;
  const pager = paginator(def.pagination, { http: ctx.http, sameOriginNext: def.sameOriginNext, label });
  const byRunStart = def.incremental?.mark === 'run-start';
  const reader = def.response ?? JSON_READER;
  let token = pager.initial(start);
  for (let n = 1; ; n++) {
    const req: PageRequest = {
      url: part?.path ?? resolve(def.path, ctx.config)!,
      query: { ...resolve(def.query, ctx.config), ...part?.query, ...(since ? {} : def.unbounded) },
      body: def.body || def.method === 'POST' ? { ...resolve(def.body, ctx.config) } : undefined,
      headers: { ...(reader.accept ? { accept: reader.accept } : {}), ...resolve(def.headers, ctx.config) },
    };
    if (since && def.incremental) put(req, def.incremental.in, def.incremental.param, formatTime(since, def.incremental.format));
    pager.apply(req, token);
    const sent = def.encode && req.body ? { ...req, body: def.encode(req.body, ctx.config) } : req;
    let raw: HttpResponse;
    try {
      raw = await ctx.http.request({ method: def.method ?? 'GET', ...sent, stream: def.name, okStatuses: def.emptyStatuses, fault: def.fault } satisfies HttpRequest);
    } catch (err) {
      // A refusal the paging kind can go around (Zoho's page-number limit) is asked again another way.
      const again = err instanceof SourceError ? pager.recover?.(err, token) : undefined;
      if (again === undefined) throw err;
      token = again;
      continue;
    }
    const res = def.emptyStatuses?.includes(raw.status) ? raw : { ...raw, body: reader.body(raw.body, `${label}: page ${n} of ${req.url}`) };
    const info = def.info?.(res);
    if (def.emptyStatuses?.includes(res.status)) {
      yield { records: [], cursor: undefined, ...(info ? { info } : {}) };
      return;
    }
    const raws = reader.records(res.body, def.records);
    if (!raws) throw new MalformedPageError(`${label}: page ${n} of ${req.url} has no array at "${def.records || '(root)'}"`);
    const { records, rejected, hwm: pageHwm } = mapRecords(def, raws);
    if (!byRunStart) state.hwm = maxIso(state.hwm, pageHwm);
    const step = pager.next({ res, records: raws, label, url: req.url }, token);
    token = step.token;
    if (pager.keepsLast && token !== undefined) state.last = token as string;
    yield { records, rejected, cursor: step.more ? token : undefined, ...(info ? { info } : {}) };
    if (!step.more) return;
  }
}

/**
 * A connection test that makes one cheap request (or runs one cheap call, e.g. a SOAP operation): ok with the seed's "Connection successful", or the
 * SourceError's message, which starts with the seed's wording ("Authentication Failed", "Rate Limit
 * Exceeded", "Endpoint Not Found", "Invalid API Key") and never carries a secret. Other errors propagate.
 * @example test: (ctx) => testConnection(ctx, { url: '/crm/v3/objects/contacts', query: { limit: 1 } })
 */
export async function testConnection(ctx: { http: HttpClient }, probe: HttpRequest | (() => Promise<unknown>)): Promise<TestResult> {
  try {
    await (typeof probe === 'function' ? probe() : ctx.http.request(probe));
    return { ok: true, message: 'Connection successful' };
  } catch (err) {
    if (err instanceof SourceError) return { ok: false, message: err.message };
    throw err;
  }
}
