import { z } from 'zod';
import { MalformedPageError, SourceError } from '../../errors';
import { getPath, incrementalStart, mapRecords, maxIso, RestCursorSchema, type RestStreamDef } from '../rest';
import type { Page, ReadContext, Stream } from '../types';

/**
 * Page numbers for the first records, then an opaque page token: Zoho CRM serves `page` only up to 2,000
 * records and wants `page_token` (= the previous `info.next_page_token`) beyond; the two can't be combined.
 * rest.ts has no pagination kind for that switch, so this local reader does it over the same declaration
 * (RestStreamDef) and the same helpers (cursor shape, lookback, record mapping). A `page-then-token` kind
 * in rest.ts would replace it.
 * https://www.zoho.com/crm/developer/docs/api/v3/get-records.html
 */
export interface PageThenToken {
  /** Records reachable with page numbers (Zoho: 2,000). */
  maxRecordsByPage: number;
  pageParam: string;
  tokenParam: string;
  /** Path of the next token in the response. */
  tokenPath: string;
  /** Path of the page size the server applied. */
  perPagePath: string;
  /** Path of the "more records" flag. */
  hasMorePath: string;
  /** The server refused a page number for being past its limit: switch to the token and ask again. */
  isPageLimitError(status: number, body: unknown): boolean;
  /** Formats the incremental bound (If-Modified-Since wants an ISO time with an offset). */
  formatSince(iso: string): string;
  describeError(status: number, body: unknown): string | undefined;
}

/** Where a run stands: the next page number, and the token for the page after the last one read. */
const PositionSchema = z.object({ page: z.number().int().positive(), token: z.string().optional(), byToken: z.boolean().optional() });
type Position = z.infer<typeof PositionSchema>;

export function pageThenTokenStream<C>(def: RestStreamDef<C>, p: PageThenToken): Stream<C> {
  const lookbackMs = def.incremental?.lookbackMs ?? 0;
  return {
    name: def.name,
    async *read(ctx: ReadContext<C>, rawCursor: unknown): AsyncIterable<Page> {
      const parsed = RestCursorSchema.safeParse(rawCursor ?? null);
      const stored = parsed.success ? parsed.data : null;
      const storedPos = PositionSchema.safeParse(stored?.next);
      const resuming = ctx.resuming && storedPos.success;
      const since = resuming ? stored?.since : def.incremental ? incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, lookbackMs) : undefined;
      let hwm = stored?.hwm;
      let pos: Position = resuming && storedPos.success ? storedPos.data : { page: 1 };
      const path = typeof def.path === 'function' ? def.path(ctx.config) : def.path;

      for (;;) {
        const query = { ...(typeof def.query === 'function' ? def.query(ctx.config) : def.query) };
        const headers: Record<string, string> = { ...(typeof def.headers === 'function' ? def.headers(ctx.config) : def.headers) };
        if (since && def.incremental) headers[def.incremental.param] = p.formatSince(since);
        if (pos.byToken) query[p.tokenParam] = pos.token!;
        else query[p.pageParam] = pos.page;
        const res = await ctx.http.request({ url: path, query, headers, stream: def.name, okStatuses: [...(def.emptyStatuses ?? []), 400] });

        if (def.emptyStatuses?.includes(res.status)) {
          yield { records: [], cursor: { hwm } };
          return;
        }
        if (res.status === 400) {
          if (!pos.byToken && pos.token && p.isPageLimitError(res.status, res.body)) {
            pos = { ...pos, byToken: true };
            continue;
          }
          const detail = p.describeError(res.status, res.body);
          throw new SourceError('source_error', `Request failed: ${ctx.connector}/${def.name} GET ${ctx.http.resolve(path).pathname} answered 400${detail ? ` (${detail})` : ''}`, {
            status: 400,
          });
        }
        const raws = getPath(res.body, def.records);
        if (!Array.isArray(raws)) throw new MalformedPageError(`${ctx.connector}/${def.name}: page ${pos.page} of ${path} has no array at "${def.records}"`);
        const { records, rejected, hwm: pageHwm } = mapRecords(def, raws);
        hwm = maxIso(hwm, pageHwm);

        const more = getPath(res.body, p.hasMorePath) === true;
        const tokenValue = getPath(res.body, p.tokenPath);
        const token = typeof tokenValue === 'string' && tokenValue ? tokenValue : undefined;
        const perPage = Number(getPath(res.body, p.perPagePath)) || raws.length;
        // Switch before the server refuses: the next page number would pass the limit.
        const byToken = pos.byToken || (pos.page + 1) * perPage > p.maxRecordsByPage;
        if (more && byToken && !token) throw new MalformedPageError(`${ctx.connector}/${def.name}: page ${pos.page} says more records follow but gives no ${p.tokenPath}`);
        pos = { page: pos.page + 1, token, ...(byToken ? { byToken: true } : {}) };
        yield { records, rejected, cursor: more ? { next: pos, since, hwm } : { hwm } };
        if (!more) return;
      }
    },
  };
}
