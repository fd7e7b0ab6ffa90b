import { configError } from '../errors';
import type { ColumnKind, Dialect, Row, Session } from '../types';

/** SQLite has type affinity, not types: the declared type decides the conversion. https://www.sqlite.org/datatype3.html */
export function sqliteKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('BOOL')) return 'bool';
  if (t.includes('INT')) return 'bigint';
  if (t.includes('JSON')) return 'json';
  if (t === 'DATE') return 'date';
  if (t.includes('TIMESTAMPTZ')) return 'timestamptz';
  if (t.includes('DATE') || t.includes('TIME')) return 'timestamp';
  if (t.includes('DECIMAL') || t.includes('NUMERIC')) return 'decimal';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'float';
  if (t.includes('BLOB')) return 'bytes';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  return 'other';
}

export const sqlite: Dialect = {
  name: 'sqlite',
  defaultSchema: () => 'main',

  async connect(s) {
    const { default: Database } = await import('better-sqlite3');
    let db: InstanceType<typeof Database>;
    try {
      db = new Database(s.filename ?? '', { readonly: true, fileMustExist: true });
    } catch (err) {
      throw configError(`Could not open the SQLite database file "${s.filename ?? ''}": ${(err as Error).message}`);
    }
    const session: Session = {
      // safeIntegers: 64-bit integers arrive as BigInt, so nothing is rounded through a double.
      query: async (sql, params) => db.prepare(sql).safeIntegers(true).all(...params) as Row[],
      close: async () => {
        db.close();
      },
    };
    return session;
  },

  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  param: () => '?',
  select: (p, limit) => `SELECT ${p.columns} FROM ${p.from}${p.where ? ` WHERE ${p.where}` : ''} ORDER BY ${p.orderBy} LIMIT ${limit}`,

  async describe(session, schema, table) {
    if (schema !== 'main') return null;
    const [master] = await session.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [table]);
    if (!master) return null;
    const cols = await session.query('SELECT name, type FROM pragma_table_info(?) ORDER BY cid', [table]);
    return {
      schema: 'main',
      name: String(master.name),
      columns: cols.map((c) => ({ name: String(c.name), dataType: String(c.type ?? ''), kind: sqliteKind(String(c.type ?? '')) })),
    };
  },

  selectExpr: (c) => sqlite.quote(c.name),
  bind(value, c) {
    if (c.kind === 'bytes' && typeof value === 'string') return Buffer.from(value, 'base64');
    if (typeof value === 'string' && /^-?\d+$/.test(value) && (c.kind === 'bigint' || c.kind === 'int')) return BigInt(value);
    return value;
  },

  /** Timestamps may be stored as text in either ISO form or as Unix time: write `since` the way the table does. */
  async sinceValue(iso, c, session, from) {
    const col = sqlite.quote(c.name);
    const [row] = await session.query(`SELECT ${col} AS v FROM ${from} WHERE ${col} IS NOT NULL LIMIT 1`, []);
    const sample = row?.v;
    const ms = Date.parse(iso);
    if (typeof sample === 'bigint' || typeof sample === 'number') {
      return Math.abs(Number(sample)) >= 1e11 ? ms : Math.floor(ms / 1000);
    }
    if (typeof sample !== 'string') return iso;
    if (c.kind === 'date' || /^\d{4}-\d{2}-\d{2}$/.test(sample)) return iso.slice(0, 10);
    let out = new Date(ms).toISOString();
    if (!sample.includes('T')) out = out.replace('T', ' ');
    if (!/\.\d/.test(sample)) out = out.replace(/\.\d+/, '');
    if (!/Z$/i.test(sample)) out = out.replace(/Z$/, '');
    return out;
  },

  connectionError: (err) => configError(`SQLite error: ${(err as Error).message}`),
};
