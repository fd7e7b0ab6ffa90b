import * as z from 'zod';
import { MalformedPageError } from '../../errors';
import { rotatingRefreshAuth } from '../oauth';
import { formatTime, incrementalStart, mapRecords, maxIso, testConnection } from '../rest';
import type { Connector, Page, ReadContext, Stream } from '../types';
import { QUICKBOOKS_DATA_TYPES, QUICKBOOKS_ENTITIES, quickbooksSpec, type QuickbooksConfig, type QuickbooksDataType } from './spec';

/** Every call names a minor version (Intuit retired the old ones in 2025). */
const MINOR_VERSION = '75';
const PAGE_SIZE = 1000;

/**
 * Intuit's error body: `{"Fault": {"Error": [{"Message", "Detail", "code"}], "type": "AuthenticationFault"|…}}`.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
const FaultSchema = z.object({
  Fault: z.object({ type: z.string().optional(), Error: z.array(z.looseObject({ Message: z.string().optional(), Detail: z.string().optional(), code: z.string().optional() })).default([]) }),
});
export function describeQuickbooksError(_status: number, body: unknown): string | undefined {
  const r = FaultSchema.safeParse(body);
  if (!r.success) return undefined;
  const first = r.data.Fault.Error[0];
  return [r.data.Fault.type, first?.code, first?.Detail ?? first?.Message].filter(Boolean).join(' ') || undefined;
}

const Entity = z.looseObject({ Id: z.string().min(1), MetaData: z.looseObject({ LastUpdatedTime: z.string() }) });
const QueryPageSchema = z.object({ QueryResponse: z.record(z.string(), z.unknown()) });
const CdcSchema = z.object({ CDCResponse: z.array(z.object({ QueryResponse: z.array(z.record(z.string(), z.unknown())) })) });

const recordDef = {
  id: 'Id',
  incremental: { field: 'MetaData.LastUpdatedTime', param: 'query', in: 'query' as const, format: 'iso-offset' as const, lookbackMs: 0 },
  recordSchema: Entity,
  // Customers are never deleted in QuickBooks, only made inactive; CDC reports deleted invoices and payments.
  deleted: (r: Record<string, unknown>) => r.Active === false || r.status === 'Deleted',
};

/** The cursor: `next` = STARTPOSITION of the next page, or `cdc` once the query is done on an incremental run. */
const CursorSchema = z.object({ next: z.union([z.number().int().positive(), z.literal('cdc')]).optional(), since: z.string().optional(), hwm: z.string().optional() }).nullable();

/**
 * The query language (`SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime >= '…' ORDERBY
 * Metadata.LastUpdatedTime STARTPOSITION n MAXRESULTS 1000`): names come from our own table, values are
 * timestamps we format, so nothing from a config reaches the text. Customers include inactive ones.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */
export function qboQuery(type: QuickbooksDataType, since: string | undefined, start: number): string {
  const where = [type === 'customers' ? 'Active IN (true, false)' : '', since ? `Metadata.LastUpdatedTime >= '${formatTime(since, 'iso-offset')}'` : ''].filter(Boolean);
  return `SELECT * FROM ${QUICKBOOKS_ENTITIES[type]}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${start} MAXRESULTS ${PAGE_SIZE}`;
}

function stream(type: QuickbooksDataType): Stream<QuickbooksConfig> {
  const entity = QUICKBOOKS_ENTITIES[type];
  const def = recordDef;
  return {
    name: type,
    async *read(ctx: ReadContext<QuickbooksConfig>, raw): AsyncIterable<Page> {
      const parsed = CursorSchema.safeParse(raw ?? null);
      const stored = parsed.success ? parsed.data : null;
      const resuming = ctx.resuming && stored?.next !== undefined;
      const since = resuming ? stored?.since : incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, ctx.config.lookbackMinutes * 60_000);
      let hwm = stored?.hwm;
      const base = `/v3/company/${ctx.config.realmId}`;
      let next: number | 'cdc' | undefined = resuming ? stored!.next! : 1;
      while (typeof next === 'number') {
        const res = await ctx.http.request({ url: `${base}/query`, query: { query: qboQuery(type, since, next), minorversion: MINOR_VERSION }, stream: type });
        const page = QueryPageSchema.safeParse(res.body);
        const list = page.success ? (page.data.QueryResponse[entity] ?? []) : undefined;
        if (!Array.isArray(list)) throw new MalformedPageError(`quickbooks/${type}: page at ${next} is not a QueryResponse with a ${entity} list`);
        const { records, rejected, hwm: pageHwm } = mapRecords(def, list);
        hwm = maxIso(hwm, pageHwm);
        // A full page may have more behind it; an incremental run then asks CDC for what was deleted.
        next = list.length >= PAGE_SIZE ? next + list.length : since ? 'cdc' : undefined;
        yield { records, rejected, cursor: next !== undefined ? { next, since, hwm } : { hwm } };
      }
      if (next !== 'cdc' || !since) return;
      // Deleted invoices and payments are only visible through CDC, and only for 30 days back: an older mark
      // is refused (400), and the deletions before it are left to a full run's deletion pass.
      const res = await ctx.http.request({ url: `${base}/cdc`, query: { entities: entity, changedSince: formatTime(since, 'iso-offset'), minorversion: MINOR_VERSION }, stream: type, okStatuses: [400] });
      if (res.status === 400) {
        ctx.log.warn('quickbooks: CDC refused the window (more than 30 days?); deletions before it are caught by a full run', { stream: type, detail: describeQuickbooksError(400, res.body) });
        yield { records: [], cursor: { hwm } };
        return;
      }
      const cdc = CdcSchema.safeParse(res.body);
      if (!cdc.success) throw new MalformedPageError(`quickbooks/${type}: the CDC answer has no CDCResponse`);
      const changed = cdc.data.CDCResponse.flatMap((r) => r.QueryResponse.flatMap((q) => (Array.isArray(q[entity]) ? (q[entity] as unknown[]) : [])));
      const deleted = changed.filter((r) => (r as { status?: string }).status === 'Deleted');
      const { records, rejected } = mapRecords(def, deleted);
      yield { records, rejected, cursor: { hwm } };
    },
  };
}

export const quickbooks: Connector<typeof quickbooksSpec.configSchema> = {
  ...quickbooksSpec,
  http: (config, save) => ({
    baseUrl: config.baseUrl,
    auth: rotatingRefreshAuth(config, save),
    describeError: describeQuickbooksError,
    // Intuit: after a 429 wait 60 seconds before retrying.
    retry: { defaultRetryAfterMs: 60_000 },
  }),
  streams: () => QUICKBOOKS_DATA_TYPES.map(stream),
  test: (ctx) => testConnection(ctx, { url: `/v3/company/${ctx.config.realmId}/companyinfo/${ctx.config.realmId}`, query: { minorversion: MINOR_VERSION }, stream: 'test' }),
};
