import type { SourceError } from '../../../errors';
import { authFailed, configError, genericConnectionError } from '../errors';
import type { DbSettings } from '../settings';
import type { ColumnKind, Dialect, Row, Session } from '../types';
import { sslOptions } from './ssl';

/** Types kept as the server's text: exact int8/numeric, and timestamps with their microseconds (cursor precision). */
const RAW_TEXT_OIDS = new Set([20 /* int8 */, 1700 /* numeric */, 790 /* money */, 1082 /* date */, 1083 /* time */, 1114 /* timestamp */, 1184 /* timestamptz */, 1266 /* timetz */]);

/** information_schema.columns.data_type → how values are converted. https://www.postgresql.org/docs/current/infoschema-columns.html */
export function postgresKind(dataType: string): ColumnKind {
  switch (dataType) {
    case 'smallint':
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'numeric':
    case 'money':
      return 'decimal';
    case 'real':
    case 'double precision':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'timestamp without time zone':
      return 'timestamp';
    case 'timestamp with time zone':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'bytea':
      return 'bytes';
    case 'text':
    case 'character varying':
    case 'character':
    case 'uuid':
      return 'text';
    default:
      return 'other';
  }
}

export const postgres: Dialect = {
  name: 'postgres',
  defaultPort: 5432,
  defaultSchema: () => 'public',

  async connect(s) {
    const pg = await import('pg');
    const raw = (text: string) => text;
    const client = new pg.Client({
      host: s.host,
      port: s.port ?? 5432,
      database: s.database,
      user: s.username,
      password: s.password ?? '',
      ssl: sslOptions(s.ssl),
      connectionTimeoutMillis: 10_000,
      // Read-only at the session level too, and UTC text so timestamps round-trip exactly through the cursor.
      options: '-c default_transaction_read_only=on -c TimeZone=UTC -c DateStyle=ISO -c statement_timeout=300000',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          RAW_TEXT_OIDS.has(oid) ? raw : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A server-side disconnect between queries is reported by the next query; this keeps it from crashing the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw postgres.connectionError(err, s);
    }
    const session: Session = {
      query: async (sql, params) => (await client.query(sql, params)).rows as Row[],
      close: () => client.end(),
    };
    return session;
  },

  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  param: (i) => `$${i}`,
  select: (p, limit) => `SELECT ${p.columns} FROM ${p.from}${p.where ? ` WHERE ${p.where}` : ''} ORDER BY ${p.orderBy} LIMIT ${limit}`,

  async describe(session, schema, table) {
    const rows = await session.query(
      'SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    if (rows.length === 0) return null;
    return {
      schema: String(rows[0].table_schema),
      name: String(rows[0].table_name),
      columns: rows.map((r) => ({ name: String(r.column_name), dataType: String(r.data_type), kind: postgresKind(String(r.data_type)) })),
    };
  },

  selectExpr(c) {
    return postgres.quote(c.name);
  },
  bind: (value, c) => (c.kind === 'bytes' && typeof value === 'string' ? Buffer.from(value, 'base64') : value),
  // PostgreSQL parses ISO 8601 for timestamp and timestamptz (the zone is ignored for timestamp, which we read as UTC).
  sinceValue: async (iso, c) => (c.kind === 'date' ? iso.slice(0, 10) : iso),

  connectionError(err: unknown, s: DbSettings): SourceError {
    const code = (err as { code?: string }).code;
    // https://www.postgresql.org/docs/current/errcodes-appendix.html
    if (code === '28P01' || code === '28000') return authFailed(s, 5432);
    if (code === '3D000') return configError(`Database "${s.database}" does not exist on ${s.host}:${s.port ?? 5432}`);
    return genericConnectionError(err, s, 5432);
  },
};
