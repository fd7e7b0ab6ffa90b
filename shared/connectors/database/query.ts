import type { ColumnInfo, Dialect, ResolvedTable } from './types';

/** Where a page starts. Full: after `pk` in key order. Incremental: after (`updatedAt`, `pk`) in that order. */
export type Position =
  | { phase: 'full'; pk: string | number | null }
  | { phase: 'incremental'; updatedAt: string | number | null; pk: string | number | null };

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

export function fromClause(d: Dialect, t: Pick<ResolvedTable, 'schema' | 'name'>): string {
  return `${d.quote(t.schema)}.${d.quote(t.name)}`;
}

/**
 * One keyset page. Full: `WHERE pk > ? ORDER BY pk`. Incremental:
 * `WHERE (u > ?) OR (u = ? AND pk > ?) ORDER BY u, pk` — rows sharing a timestamp across a page boundary are
 * neither lost nor repeated. Identifiers come from the catalog and are quoted; values are always bound.
 */
export function buildPageQuery(d: Dialect, t: ResolvedTable, pos: Position, limit: number): BuiltQuery {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`invalid page limit ${limit}`);
  const params: unknown[] = [];
  const bind = (value: unknown, column: ColumnInfo) => {
    params.push(d.bind(value, column));
    return d.param(params.length);
  };
  const pk = d.quote(t.pk.name);
  let where: string;
  let orderBy: string;
  if (pos.phase === 'full') {
    where = pos.pk === null ? `${pk} IS NOT NULL` : `${pk} > ${bind(pos.pk, t.pk)}`;
    orderBy = `${pk} ASC`;
  } else {
    if (!t.updatedAt) throw new Error(`table ${t.name} has no updatedAt column`);
    const u = d.quote(t.updatedAt.name);
    if (pos.updatedAt === null) where = `${u} IS NOT NULL`;
    else if (pos.pk === null) where = `${u} >= ${bind(pos.updatedAt, t.updatedAt)}`;
    else {
      where = `(${u} > ${bind(pos.updatedAt, t.updatedAt)}) OR (${u} = ${bind(pos.updatedAt, t.updatedAt)} AND ${pk} > ${bind(pos.pk, t.pk)})`;
    }
    orderBy = `${u} ASC, ${pk} ASC`;
  }
  const columns = t.select.map((c) => d.selectExpr(c)).join(', ');
  return { sql: d.select({ columns, from: fromClause(d, t), where, orderBy }, limit), params };
}

/** The newest (updatedAt, pk) before a full run starts: the next incremental run begins after it. */
export function buildHighWaterQuery(d: Dialect, t: ResolvedTable): BuiltQuery {
  if (!t.updatedAt) throw new Error(`table ${t.name} has no updatedAt column`);
  const u = d.quote(t.updatedAt.name);
  const pk = d.quote(t.pk.name);
  const columns = [d.selectExpr(t.updatedAt), d.selectExpr(t.pk)].join(', ');
  const sql = d.select({ columns, from: fromClause(d, t), where: `${u} IS NOT NULL`, orderBy: `${u} DESC, ${pk} DESC` }, 1);
  return { sql, params: [] };
}
