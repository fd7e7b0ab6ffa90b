import * as z from 'zod';
import { SourceError, ValidationError } from '../../errors';
import { scrub } from '../../log';
import type { Connector, Page, ReadContext, RejectedRecord, SourceRecord, Stream, TestContext } from '../types';
import { assertSdkEndpoint } from '../../http/target';
import { AthenaRunner, defaultAthenaClient, type AthenaDeps } from './athena';
import { isHeaderRow, rowToObject } from './convert';
import { salesproSpec, type SalesProConfig } from './spec';
import { resolveTable, selectSql, type SalesProDataType, type SalesProTable } from './tables';

export { salesproSpec, SalesProConfigSchema, type SalesProConfig } from './spec';
export { SALESPRO_DATA_TYPES, resolveTable } from './tables';

/**
 * The stream's opaque state. `hwm` is the highest updated-at seen (ISO, UTC): the next incremental run starts
 * there. While a query's results are being paged, `queryExecutionId` + `nextToken` let a resumed run continue
 * the same result set (Athena keeps results retrievable for a while), and `since` is that query's lower bound
 * so the query can be run again if its results are gone.
 */
export const SalesProCursorSchema = z
  .object({
    hwm: z.string().nullable().default(null),
    since: z.string().nullable().optional(),
    queryExecutionId: z.string().min(1).optional(),
    nextToken: z.string().min(1).optional(),
  })
  .loose();
export type SalesProCursor = z.infer<typeof SalesProCursorSchema>;

/** "2024-03-01T14:05:09.123Z" → the text Athena reads as a timestamp literal, built from a Date so it is only digits and separators. */
export function athenaTimestampLiteral(d: Date): string {
  return `'${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function parseSince(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new ValidationError(`since must be an ISO date, got "${value.slice(0, 40)}"`);
  return d;
}

function toMillis(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function maxIso(a: string | null, ms: number | undefined): string | null {
  if (ms === undefined) return a;
  if (a === null || ms > Date.parse(a)) return new Date(ms).toISOString();
  return a;
}

async function runnerFor(config: SalesProConfig, key: string, ctx: Pick<ReadContext, 'log' | 'http' | 'signal'>, deps: AthenaDeps): Promise<AthenaRunner> {
  await assertSdkEndpoint(config.endpoint, { ownCredentials: Boolean(config.accessKeyId && config.secretAccessKey) });
  const client = (deps.createClient ?? defaultAthenaClient)(config);
  return new AthenaRunner(client, config, { limits: ctx.http.limits, limiterKey: `salespro:${key}`, rate: salesproSpec.rateLimit, log: ctx.log, signal: ctx.signal, deps });
}

/** Pages one query's results from `startToken` (undefined = from the top, where the header row may be). */
async function* pagesOf(
  runner: AthenaRunner,
  t: SalesProTable,
  queryExecutionId: string,
  startToken: string | undefined,
  since: string | null,
  hwmIn: string | null,
): AsyncGenerator<Page> {
  let hwm = hwmIn;
  let token = startToken;
  for (let first = !startToken; ; first = false) {
    const page = await runner.page(queryExecutionId, token);
    const columns = page.ResultSet.ResultSetMetadata.ColumnInfo;
    if (!columns.some((c) => c.Name === t.idColumn))
      throw new SourceError('schema_mismatch', `SalesPro table ${t.table} has no column ${t.idColumn} (columns: ${columns.map((c) => c.Name).join(', ')})`);
    let rows = page.ResultSet.Rows;
    if (first && isHeaderRow(rows[0], columns)) rows = rows.slice(1);
    const records: SourceRecord[] = [];
    const rejected: RejectedRecord[] = [];
    for (const row of rows) {
      const data = rowToObject(row, columns);
      const id = data[t.idColumn];
      if (id === null || id === undefined || id === '') {
        rejected.push({ reason: `no ${t.idColumn}` });
        continue;
      }
      const updatedMs = t.updatedAtColumn ? toMillis(data[t.updatedAtColumn]) : undefined;
      hwm = maxIso(hwm, updatedMs);
      records.push({ id: String(id), data, updatedAt: updatedMs === undefined ? undefined : new Date(updatedMs).toISOString() });
    }
    token = page.NextToken;
    const cursor: SalesProCursor = token ? { hwm, since, queryExecutionId, nextToken: token } : { hwm };
    yield { records, rejected: rejected.length ? rejected : undefined, cursor, info: first ? { queryExecutionId } : undefined };
    if (!token) return;
  }
}

function streamFor(name: SalesProDataType, deps: AthenaDeps): Stream<SalesProConfig> {
  return {
    name,
    async *read(ctx, raw) {
      const parsed = raw == null ? undefined : SalesProCursorSchema.safeParse(raw);
      if (parsed && !parsed.success) ctx.log.warn('salespro cursor not understood, starting over', { stream: name });
      const prev = parsed?.success ? parsed.data : undefined;
      const runner = await runnerFor(ctx.config, ctx.integrationId, ctx, deps);
      const override = ctx.config.tables?.[name];
      const t = resolveTable(name, override, await runner.columns(override?.table ?? name));

      let since: string | null;
      if (ctx.resuming && prev?.queryExecutionId && prev.nextToken) {
        // Continue paging the interrupted query if Athena still has its results; otherwise run it again.
        const resumed = pagesOf(runner, t, prev.queryExecutionId, prev.nextToken, prev.since ?? null, prev.hwm);
        let firstPage: IteratorResult<Page> | undefined;
        try {
          firstPage = await resumed.next();
        } catch (err) {
          if (!(err instanceof SourceError) || err.code !== 'source_error') throw err;
          ctx.log.warn('salespro query results no longer retrievable, running the query again', { stream: name, error: err });
        }
        if (firstPage) {
          if (!firstPage.done) yield firstPage.value;
          yield* resumed;
          return;
        }
        since = prev.since ?? null;
      } else if (ctx.since) {
        since = parseSince(ctx.since).toISOString();
      } else if (ctx.mode === 'incremental' && prev?.hwm && t.updatedAtColumn) {
        since = new Date(parseSince(prev.hwm).getTime() - ctx.config.lookbackMinutes * 60_000).toISOString();
      } else {
        since = null;
      }

      // Without an updated-at column the table is read in full; `since` cannot narrow it.
      if (!t.updatedAtColumn) since = null;
      const params = since ? [athenaTimestampLiteral(new Date(since))] : undefined;
      const { queryExecutionId } = await runner.run(selectSql(t, !!since), params);
      ctx.log.info('salespro query succeeded', { stream: name, queryExecutionId, since });
      yield* pagesOf(runner, t, queryExecutionId, undefined, since, prev?.hwm ?? null);
    },
  };
}

/** Builds the connector; tests hand in `deps` (a client factory, a fast sleep), production uses the defaults. */
export function createSalesPro(deps: AthenaDeps = {}): Connector<typeof salesproSpec.configSchema> {
  return {
    ...salesproSpec,
    streams: (config) => salesproSpec.dataTypes().map((name) => streamFor(name as SalesProDataType, deps)),
    async test(ctx: TestContext<SalesProConfig>) {
      const where = `database "${ctx.config.database}"${ctx.config.workgroup ? ` (workgroup ${ctx.config.workgroup})` : ''}`;
      try {
        const runner = await runnerFor(ctx.config, 'connection-test', ctx, deps);
        const { queryExecutionId } = await runner.run('SELECT 1', undefined);
        await runner.page(queryExecutionId, undefined);
        return { ok: true, message: `Connected to Athena in ${ctx.config.region}: SELECT 1 ran in ${where} and its results were readable.` };
      } catch (err) {
        return { ok: false, message: scrub(`Athena connection test failed for ${where}: ${(err as Error).message}`) };
      }
    },
  };
}

export const salespro = createSalesPro();
