import type { SourceError } from '../../../errors';
import { authFailed, configError, genericConnectionError } from '../errors';
import type { DbSettings } from '../settings';
import type { ColumnInfo, ColumnKind, Dialect, Row, Session } from '../types';

/** INFORMATION_SCHEMA.COLUMNS DATA_TYPE → conversion. https://learn.microsoft.com/sql/t-sql/data-types/data-types-transact-sql */
export function mssqlKind(dataType: string): ColumnKind {
  switch (dataType.toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'int':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney':
      return 'decimal';
    case 'float':
    case 'real':
      return 'float';
    case 'bit':
      return 'bool';
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
      return 'timestamp';
    case 'datetimeoffset':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'binary':
    case 'varbinary':
    case 'image':
    case 'timestamp': // rowversion
    case 'rowversion':
      return 'bytes';
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
    case 'text':
    case 'ntext':
    case 'uniqueidentifier':
      return 'text';
    default:
      return 'other';
  }
}

const quote = (id: string) => `[${id.replace(/]/g, ']]')}]`;

/**
 * Microsoft SQL Server (MarketSharp). Dates and decimals are selected as text (CONVERT style 126/127, CAST)
 * because the driver's Date has millisecond precision and its decimals are doubles; text keeps both exact,
 * and the same text binds back into the keyset comparison. https://learn.microsoft.com/sql/t-sql/functions/cast-and-convert-transact-sql
 */
export const mssql: Dialect = {
  name: 'mssql',
  defaultPort: 1433,
  defaultSchema: () => 'dbo',

  async connect(s) {
    // Under tsx (npm start) the CommonJS module arrives only as `default`; compiled to require() it is the module itself.
    const loaded = await import('mssql');
    const sql = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
    const ssl = s.ssl;
    // A single-connection pool, closed after the read: the driver only offers pools.
    const pool = new sql.ConnectionPool({
      server: s.host ?? '',
      port: s.port ?? 1433,
      database: s.database,
      user: s.username,
      password: s.password ?? '',
      connectionTimeout: 15_000,
      requestTimeout: 300_000,
      pool: { max: 1, min: 0 },
      options: {
        encrypt: Boolean(ssl),
        trustServerCertificate: typeof ssl === 'object' && ssl.rejectUnauthorized === false,
        useUTC: true,
        readOnlyIntent: true,
      },
    });
    pool.on('error', () => undefined); // reported by the next request instead of crashing the process
    try {
      await pool.connect();
    } catch (err) {
      await pool.close().catch(() => undefined);
      throw mssql.connectionError(err, s);
    }
    const session: Session = {
      async query(text, params) {
        const req = pool.request();
        params.forEach((v, i) => req.input(`p${i + 1}`, v));
        return ((await req.query(text)).recordset ?? []) as Row[];
      },
      close: () => pool.close(),
    };
    return session;
  },

  quote,
  param: (i) => `@p${i}`,
  select: (p, limit) => `SELECT TOP (${limit}) ${p.columns} FROM ${p.from}${p.where ? ` WHERE ${p.where}` : ''} ORDER BY ${p.orderBy}`,

  async describe(session, schema, table) {
    const rows = await session.query(
      'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS dt FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @p1 AND TABLE_NAME = @p2 ORDER BY ORDINAL_POSITION',
      [schema, table],
    );
    const exact = rows.filter((r) => String(r.t) === table);
    if (exact.length === 0) return null;
    return {
      schema: String(exact[0].s),
      name: String(exact[0].t),
      columns: exact.map((r) => ({ name: String(r.c), dataType: String(r.dt), kind: mssqlKind(String(r.dt)) })),
    };
  },

  selectExpr(c: ColumnInfo) {
    const q = quote(c.name);
    const type = c.dataType.toLowerCase();
    if (c.kind === 'timestamp') return `CONVERT(varchar(33), ${q}, 126) AS ${q}`;
    if (c.kind === 'timestamptz') return `CONVERT(varchar(34), ${q}, 127) AS ${q}`;
    if (c.kind === 'date') return `CONVERT(varchar(10), ${q}, 23) AS ${q}`;
    if (type === 'money' || type === 'smallmoney') return `CONVERT(varchar(32), ${q}, 2) AS ${q}`;
    if (c.kind === 'decimal') return `CAST(${q} AS varchar(64)) AS ${q}`;
    return q;
  },
  bind: (value, c) => (c.kind === 'bytes' && typeof value === 'string' ? Buffer.from(value, 'base64') : value),
  sinceValue: async (iso, c) => {
    if (c.kind === 'date') return iso.slice(0, 10);
    if (c.kind === 'timestamptz') return iso;
    return iso.replace(/Z$/, ''); // datetime/datetime2 carry no zone: read and compared as UTC
  },

  connectionError(err: unknown, s: DbSettings): SourceError {
    const code = (err as { code?: string }).code;
    // tedious: ELOGIN for a rejected login (error 18456), ESOCKET/ETIMEOUT for the network.
    if (code === 'ELOGIN') {
      return /cannot open database/i.test((err as Error).message ?? '')
        ? configError(`Database "${s.database}" cannot be opened on ${s.host}:${s.port ?? 1433} by user "${s.username ?? ''}"`)
        : authFailed(s, 1433);
    }
    return genericConnectionError(err, s, 1433);
  },
};
