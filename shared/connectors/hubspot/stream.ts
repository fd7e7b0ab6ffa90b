import * as z from 'zod';
import { MalformedPageError, SourceError } from '../../errors';
import { type Incremental, incrementalStart, mapRecords, maxIso } from '../rest';
import type { Page, ReadContext, Stream } from '../types';
import { attachAssociations, attachInlineAssociations } from './associations';
import { describeHubspotError } from './errors';
import { discoverProperties, lastModifiedProperty, staticProperties } from './properties';
import type { HubspotConfig } from './spec';
import { HubspotObjectSchema, ListPageSchema, SearchPageSchema } from './wire';

/** List pages hold at most 100 objects; search pages at most 200. */
export const LIST_LIMIT = 100;
export const SEARCH_LIMIT = 200;
/** A search query yields at most 10,000 results; paging past that answers 400. */
export const SEARCH_CAP = 10_000;
/** The search endpoint has its own limit (5 requests/s per account): stay under it. */
const SEARCH_RATE = { requests: 4, windowMs: 1_000 };

/**
 * Where a run is. A full run walks the list endpoint by `after` and, when done, stores `hwm` = the time it
 * started (anything changed since then is fetched by the next incremental run). An incremental run
 * searches `lastmodified ≥ since` sorted ascending; `max` is the newest last-modified seen in the window,
 * where the next window starts when the 10,000-result cap is reached.
 */
const NextSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('list'), after: z.string().optional(), start: z.string() }),
  /** `from` is where the run's search started (windows move `since`): the archived phase looks back to it. */
  z.object({ phase: z.literal('search'), since: z.string(), after: z.number().int().nonnegative(), max: z.string().optional(), from: z.string().optional() }),
  /** After the search: objects archived since `from` (search never returns archived ones); `hwm` is the mark to store at the end. */
  z.object({ phase: z.literal('archived'), from: z.string(), after: z.string().optional(), hwm: z.string() }),
]);
type Next = z.infer<typeof NextSchema>;
type SearchState = Extract<Next, { phase: 'search' }>;
type ArchivedState = Extract<Next, { phase: 'archived' }>;

export const HubspotCursorSchema = z.object({ next: NextSchema.optional(), hwm: z.string().optional() }).nullable();
export type HubspotCursor = z.infer<typeof HubspotCursorSchema>;

/** mapRecords reads `updatedAt` through an incremental declaration; only `field` matters here. */
const UPDATED_AT: Incremental = { field: 'updatedAt', param: 'updatedAt', in: 'query', format: 'iso', lookbackMs: 0 };

function flatten(raw: Record<string, unknown>): Record<string, unknown> {
  const o = HubspotObjectSchema.parse(raw);
  return { ...o.properties, id: o.id, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived ?? false, ...(o.archivedAt ? { archivedAt: o.archivedAt } : {}) };
}
const mapDef = { id: 'id', incremental: UPDATED_AT, map: flatten, recordSchema: HubspotObjectSchema, deleted: (r: Record<string, unknown>) => r.archived === true };

function parsePage<T>(schema: z.ZodType<T>, body: unknown, where: string): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new MalformedPageError(`${where}: page does not parse (${issue?.path.join('.') || '(root)'}: ${issue?.message})`);
  }
  return r.data;
}

/** Remaining requests in HubSpot's rolling window, surfaced in run stats. */
function rateInfo(headers: Record<string, string>): Record<string, unknown> | undefined {
  const remaining = headers['x-hubspot-ratelimit-remaining'];
  return remaining === undefined ? undefined : { rateLimitRemaining: Number(remaining) };
}

/** One HubSpot object type (standard or custom) as a stream. */
export function hubspotStream(type: string, config: HubspotConfig): Stream<HubspotConfig> {
  const configured = staticProperties(type, config.properties);
  const associations = type === 'contacts' ? config.associations : [];
  const lookbackMs = config.lookbackMinutes * 60_000;

  /** One page of the list endpoint, live or archived objects; live ones with their associations inline. */
  async function listPage(ctx: ReadContext<HubspotConfig>, archived: boolean, after: string | undefined, properties: string[]) {
    const res = await ctx.http.request({
      url: `/crm/v3/objects/${type}`,
      query: { limit: LIST_LIMIT, after, properties: properties.join(','), archived, associations: !archived && associations.length ? associations.join(',') : undefined },
      stream: ctx.stream,
    });
    const page = parsePage(ListPageSchema, res.body, `hubspot/${type} GET /crm/v3/objects/${type}${archived ? '?archived=true' : ''}`);
    return { results: page.results, after: page.paging?.next?.after, info: rateInfo(res.headers) };
  }

  async function* readList(ctx: ReadContext<HubspotConfig>, state: Extract<Next, { phase: 'list' }>, properties: string[], prevHwm?: string): AsyncIterable<Page> {
    let after = state.after;
    for (;;) {
      const page = await listPage(ctx, false, after, properties);
      const { records, rejected } = mapRecords(mapDef, page.results);
      await attachInlineAssociations(ctx as ReadContext<unknown>, type, records, page.results, associations);
      after = page.after;
      const cursor: HubspotCursor = after ? { next: { phase: 'list', after, start: state.start }, hwm: prevHwm } : { hwm: state.start };
      yield { records, rejected, cursor, info: page.info };
      if (!after) return;
    }
  }

  /** Starts a new search window at the newest value seen; never stands still (that would loop forever). */
  function moveWindow(ctx: ReadContext<HubspotConfig>, s: SearchState): SearchState {
    if (s.max && s.max > s.since) return { ...s, since: s.max, after: 0 };
    const since = new Date(Date.parse(s.since) + 1).toISOString();
    ctx.log.warn('hubspot: more than 10,000 objects share one last-modified time; moving past it', { stream: ctx.stream, at: s.since });
    return { ...s, since, after: 0 };
  }

  async function* readSearch(ctx: ReadContext<HubspotConfig>, start: SearchState, properties: string[], prevHwm?: string): AsyncIterable<Page> {
    const lm = lastModifiedProperty(type);
    const url = `/crm/v3/objects/${type}/search`;
    const where = `hubspot/${type} POST ${url}`;
    const searchLimiter = ctx.http.limits.limiter(`hubspot-search:${ctx.integrationId}`, SEARCH_RATE);
    let s = start;
    for (;;) {
      // https://developers.hubspot.com/docs/api/crm/search — date filters take epoch ms as a string.
      const body = {
        filterGroups: [{ filters: [{ propertyName: lm, operator: 'GTE', value: String(Date.parse(s.since)) }] }],
        sorts: [{ propertyName: lm, direction: 'ASCENDING' }],
        properties,
        limit: SEARCH_LIMIT,
        ...(s.after ? { after: String(s.after) } : {}),
      };
      ctx.http.stats.rateLimitWaitMs += (await searchLimiter.acquire()).waitedMs;
      const res = await ctx.http.request({ method: 'POST', url, body, stream: ctx.stream, okStatuses: [400] });
      if (res.status === 400) {
        // Past the result cap (HubSpot's is 10,000; a smaller one behaves the same): continue in a new window.
        if (s.after > 0) {
          s = moveWindow(ctx, s);
          continue;
        }
        const detail = describeHubspotError(400, res.body);
        throw new SourceError('source_error', `Request failed: ${where} answered 400${detail ? ` (${detail})` : ''}`, { status: 400 });
      }
      const page = parsePage(SearchPageSchema, res.body, where);
      const { records, rejected, hwm } = mapRecords(mapDef, page.results);
      await attachAssociations(ctx as ReadContext<unknown>, type, records, associations);
      const seen: SearchState = { ...s, max: maxIso(s.max, hwm) };
      const n = page.paging?.next?.after;
      let next: SearchState | undefined;
      if (n !== undefined) next = Number(n) >= SEARCH_CAP ? moveWindow(ctx, seen) : { ...seen, after: Number(n) };
      const archived: ArchivedState | undefined = next ? undefined : { phase: 'archived', from: s.from ?? start.since, hwm: maxIso(prevHwm, seen.max) ?? start.since };
      yield { records, rejected, cursor: { next: next ?? archived, hwm: prevHwm }, info: rateInfo(res.headers) };
      if (archived) return yield* readArchived(ctx, archived, properties, prevHwm);
      s = next!;
    }
  }

  /**
   * Objects archived since the run's start, as deletions: the search never returns archived objects, so
   * without this only a full run's deletion pass would notice them. The archived list has no date filter;
   * older archivals are skipped, not stored.
   */
  async function* readArchived(ctx: ReadContext<HubspotConfig>, state: ArchivedState, properties: string[], prevHwm?: string): AsyncIterable<Page> {
    let after = state.after;
    for (;;) {
      const page = await listPage(ctx, true, after, properties);
      const recent = page.results.filter((r) => {
        const o = HubspotObjectSchema.safeParse(r);
        // One that does not parse goes through, to be rejected with its reason by mapRecords.
        return !o.success || (o.data.archivedAt ?? o.data.updatedAt) >= state.from;
      });
      const { records, rejected } = mapRecords(mapDef, recent);
      after = page.after;
      const cursor: HubspotCursor = after ? { next: { ...state, after }, hwm: prevHwm } : { hwm: state.hwm };
      yield { records, rejected, cursor, info: page.info };
      if (!after) return;
    }
  }

  return {
    name: type,
    async *read(ctx, raw) {
      const parsed = HubspotCursorSchema.safeParse(raw ?? null);
      const stored = parsed.success ? parsed.data : null;
      const prevHwm = stored?.hwm;
      let state: Next;
      if (ctx.resuming && stored?.next) state = stored.next;
      else {
        const since = incrementalStart(ctx as ReadContext<unknown>, prevHwm, lookbackMs);
        state = since ? { phase: 'search', since, after: 0, from: since } : { phase: 'list', start: new Date().toISOString() };
      }
      const properties = configured ?? (await discoverProperties(ctx as ReadContext<unknown>, type));
      if (state.phase === 'list') yield* readList(ctx, state, properties, prevHwm);
      else if (state.phase === 'search') yield* readSearch(ctx, state, properties, prevHwm);
      else yield* readArchived(ctx, state, properties, prevHwm);
    },
  };
}
