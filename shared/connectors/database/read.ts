import { SourceError } from '../../errors';
import type { Page, ReadContext, SourceRecord } from '../types';
import { resolveTable } from './catalog';
import { convertRow, cursorValue, recordUpdatedAt } from './convert';
import { finalCursor, startFrom, toPosition, type FullCursor, type IncrementalCursor } from './cursor';
import { queryError } from './errors';
import { openSession } from './open';
import { buildHighWaterQuery, buildPageQuery, fromClause } from './query';
import type { DbSettings } from './settings';
import type { TableConfig } from './spec';
import type { Dialect, ResolvedTable, Row, Session } from './types';

/**
 * Reads one table page by page over a single connection, closed when the stream ends or is abandoned.
 * Each page fetches pageSize + 1 rows so the last page is known without an extra empty query.
 */
export async function* readTable(d: Dialect, s: DbSettings, table: TableConfig, ctx: ReadContext, raw: unknown): AsyncGenerator<Page> {
  const session = await openSession(d, s);
  try {
    const t = await resolveTable(session, d, s, table);
    const start = startFrom(t, ctx, raw);
    let cursor: FullCursor | IncrementalCursor = start.cursor;
    if (start.since && t.updatedAt && cursor.phase === 'incremental') {
      const since = await d.sinceValue(start.since, t.updatedAt, session, fromClause(d, t));
      cursor = { ...cursor, updatedAt: cursorValue(since) };
    }
    if (start.fresh && cursor.phase === 'full' && t.updatedAt) cursor = { ...cursor, hwm: await highWater(session, d, s, t) };
    for (;;) {
      if (ctx.signal?.aborted) return;
      const q = buildPageQuery(d, t, toPosition(cursor), s.pageSize + 1);
      const rows = await run(session, q.sql, q.params, s, t);
      const more = rows.length > s.pageSize;
      const pageRows = more ? rows.slice(0, s.pageSize) : rows;
      const last = pageRows[pageRows.length - 1];
      if (last) {
        const next = advance(cursor, t, last);
        // A key that does not move (a non-unique primaryKey, an odd collation) would loop forever: stop instead.
        if (more && JSON.stringify(next) === JSON.stringify(cursor)) {
          throw new SourceError('config_error', `Table "${t.name}": paging did not advance past ${t.pk.name} = ${String(next.pk)}; is primaryKey unique?`);
        }
        cursor = next;
      }
      yield { records: pageRows.map((r) => toRecord(r, t)), cursor: more ? cursor : finalCursor(t, cursor) };
      if (!more) return;
    }
  } finally {
    await session.close();
  }
}

function advance(c: FullCursor | IncrementalCursor, t: ResolvedTable, last: Row): FullCursor | IncrementalCursor {
  const pk = cursorValue(last[t.pk.name]);
  if (c.phase === 'full') return { ...c, pk };
  return { ...c, updatedAt: cursorValue(last[t.updatedAt!.name]), pk };
}

async function highWater(session: Session, d: Dialect, s: DbSettings, t: ResolvedTable): Promise<FullCursor['hwm']> {
  const q = buildHighWaterQuery(d, t);
  const [row] = await run(session, q.sql, q.params, s, t);
  if (!row) return null;
  const updatedAt = cursorValue(row[t.updatedAt!.name]);
  const pk = cursorValue(row[t.pk.name]);
  return updatedAt === null || pk === null ? null : { updatedAt, pk };
}

async function run(session: Session, sql: string, params: unknown[], s: DbSettings, t: ResolvedTable): Promise<Row[]> {
  try {
    return await session.query(sql, params);
  } catch (err) {
    throw queryError(err, s, t.name);
  }
}

function toRecord(row: Row, t: ResolvedTable): SourceRecord {
  const data = convertRow(row, t.select);
  const record: SourceRecord = { id: String(data[t.pk.name]), data };
  const updatedAt = t.updatedAt ? recordUpdatedAt(data[t.updatedAt.name]) : undefined;
  if (updatedAt) record.updatedAt = updatedAt;
  return record;
}
