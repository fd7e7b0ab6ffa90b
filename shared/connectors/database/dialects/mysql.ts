import type { SourceError } from '../../../errors';
import { authFailed, configError, genericConnectionError } from '../errors';
import type { DbSettings } from '../settings';
import type { ColumnInfo, ColumnKind, Dialect, Row, Session } from '../types';
import { sslOptions } from './ssl';

/** information_schema.COLUMNS DATA_TYPE / COLUMN_TYPE → conversion. https://mariadb.com/kb/en/information-schema-columns-table/ */
export function mysqlKind(dataType: string, columnType: string): ColumnKind {
  const t = dataType.toLowerCase();
  const full = columnType.toLowerCase();
  if (t === 'tinyint' && full.startsWith('tinyint(1)')) return 'bool';
  if (t === 'bit') return full === 'bit(1)' ? 'bool' : 'bytes';
  if (['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'year'].includes(t)) return 'int';
  if (t === 'bigint') return 'bigint';
  if (t === 'decimal' || t === 'numeric') return 'decimal';
  if (t === 'float' || t === 'double' || t === 'real') return 'float';
  if (t === 'datetime' || t === 'timestamp') return 'timestamp';
  if (t === 'date') return 'date';
  if (t === 'json') return 'json';
  if (t.endsWith('blob') || t === 'binary' || t === 'varbinary') return 'bytes';
  if (t.endsWith('text') || t === 'varchar' || t === 'char' || t === 'enum' || t === 'set') return 'text';
  return 'other';
}

/** MariaDB's JSON is LONGTEXT with a `json_valid(col)` CHECK constraint: find those columns. */
const JSON_CHECK = /json_valid\(`((?:[^`]|``)+)`\)/gi;

function mysqlDialect(name: 'mysql' | 'mariadb'): Dialect {
  const self: Dialect = {
    name,
    defaultPort: 3306,
    defaultSchema: (s) => s.database ?? '',

    async connect(s) {
      const mysql = await import('mysql2/promise');
      let conn: Awaited<ReturnType<typeof mysql.createConnection>>;
      try {
        conn = await mysql.createConnection({
          host: s.host,
          port: s.port ?? 3306,
          user: s.username,
          password: s.password ?? '',
          database: s.database,
          ssl: sslOptions(s.ssl),
          connectTimeout: 10_000,
          // Exact values: DATETIME as its text (microseconds kept for the cursor), BIGINT/DECIMAL as strings.
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
          decimalNumbers: false,
          timezone: 'Z',
          multipleStatements: false,
        });
      } catch (err) {
        throw self.connectionError(err, s);
      }
      // A server-side disconnect between queries is reported by the next query; this keeps it from crashing the process.
      conn.on('error', () => undefined);
      const session: Session = {
        query: async (sql, params) => {
          const [rows] = await conn.execute(sql, params as never[]);
          return rows as Row[];
        },
        close: () => conn.end(),
      };
      try {
        await conn.query("SET SESSION time_zone = '+00:00'");
        await conn.query('SET SESSION TRANSACTION READ ONLY');
      } catch (err) {
        await conn.end().catch(() => undefined);
        throw self.connectionError(err, s);
      }
      return session;
    },

    quote: (id) => `\`${id.replace(/`/g, '``')}\``,
    param: () => '?',
    select: (p, limit) => `SELECT ${p.columns} FROM ${p.from}${p.where ? ` WHERE ${p.where}` : ''} ORDER BY ${p.orderBy} LIMIT ${limit}`,

    async describe(session, schema, table) {
      const rows = await session.query(
        'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS dt, COLUMN_TYPE AS ct FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
        [schema, table],
      );
      // information_schema may compare case-insensitively; the config must name the table exactly.
      const exact = rows.filter((r) => String(r.t) === table);
      if (exact.length === 0) return null;
      const jsonCols = await mariadbJsonColumns(session, schema, table);
      const columns: ColumnInfo[] = exact.map((r) => {
        const kind = mysqlKind(String(r.dt), String(r.ct));
        return { name: String(r.c), dataType: String(r.dt), kind: kind === 'text' && jsonCols.has(String(r.c)) ? 'json' : kind };
      });
      return { schema: String(exact[0].s), name: String(exact[0].t), columns };
    },

    selectExpr: (c) => self.quote(c.name),
    bind(value, c) {
      if (c.kind === 'bytes' && typeof value === 'string') return Buffer.from(value, 'base64');
      // A big integer key goes back as BigInt: a string would be compared as a double and lose precision.
      if ((c.kind === 'bigint' || c.kind === 'int') && typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
      return value;
    },
    // DATETIME has no zone; we read and write it as UTC (the session time_zone is +00:00 for TIMESTAMP).
    sinceValue: async (iso, c) => (c.kind === 'date' ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/Z$|[+-]\d{2}:\d{2}$/, '')),

    connectionError(err: unknown, s: DbSettings): SourceError {
      const errno = (err as { errno?: number }).errno;
      // https://mariadb.com/kb/en/mariadb-error-code-reference/
      if (errno === 1045 || errno === 1698) return authFailed(s, 3306);
      if (errno === 1049) return configError(`Database "${s.database}" does not exist on ${s.host}:${s.port ?? 3306}`);
      if (errno === 1044) return configError(`User "${s.username ?? ''}" may not access database "${s.database}"`);
      return genericConnectionError(err, s, 3306);
    },
  };
  return self;
}

async function mariadbJsonColumns(session: Session, schema: string, table: string): Promise<Set<string>> {
  const names = new Set<string>();
  let rows: Row[];
  try {
    rows = await session.query('SELECT CHECK_CLAUSE AS cc FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?', [schema, table]);
  } catch {
    return names; // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME, and MySQL reports JSON as DATA_TYPE 'json' anyway
  }
  for (const r of rows) for (const m of String(r.cc).matchAll(JSON_CHECK)) names.add(m[1].replace(/``/g, '`'));
  return names;
}

export const mysql = mysqlDialect('mysql');
export const mariadb = mysqlDialect('mariadb');
