import { configError } from './errors';
import type { DbSettings } from './settings';
import type { TableConfig } from './spec';
import type { ColumnInfo, Dialect, ResolvedTable, Session } from './types';

/**
 * Checks a configured table against the database's own catalog (information_schema / sqlite_master /
 * pragma_table_info). Only names found there are ever quoted into SQL, so a crafted table or column name in
 * the config is refused here with a clear error instead of reaching a query.
 */
export async function resolveTable(session: Session, d: Dialect, s: DbSettings, t: TableConfig): Promise<ResolvedTable> {
  const schema = t.schema ?? s.schema ?? d.defaultSchema(s);
  const info = await d.describe(session, schema, t.name);
  if (!info || info.columns.length === 0) {
    throw configError(`Table "${t.name}" was not found in schema "${schema}"${s.database ? ` of database "${s.database}"` : ''} (check the tables setting and the user's privileges)`);
  }
  const find = (name: string, role: string): ColumnInfo => {
    const col = info.columns.find((c) => c.name === name);
    if (!col) {
      const known = info.columns.map((c) => c.name).join(', ');
      throw configError(`Column "${name}" (${role} of table "${t.name}") was not found; the table has: ${known}`);
    }
    return col;
  };
  const pk = find(t.primaryKey, 'primaryKey');
  const updatedAt = t.updatedAt ? find(t.updatedAt, 'updatedAt') : undefined;
  let select = info.columns;
  if (t.columns) {
    const wanted = new Set(t.columns.map((c) => find(c, 'columns').name));
    wanted.add(pk.name);
    if (updatedAt) wanted.add(updatedAt.name);
    select = info.columns.filter((c) => wanted.has(c.name));
  }
  return { schema: info.schema, name: info.name, pk, updatedAt, select };
}
