import * as z from 'zod';
import { database } from '../../../shared/connectors/database';
import { DbCursorSchema, startFrom } from '../../../shared/connectors/database/cursor';
import { mssql, mssqlKind } from '../../../shared/connectors/database/dialects/mssql';
import { buildHighWaterQuery, buildPageQuery } from '../../../shared/connectors/database/query';
import { databaseSpec } from '../../../shared/connectors/database/spec';
import type { ResolvedTable } from '../../../shared/connectors/database/types';
import { geniusSpec } from '../../../shared/connectors/genius/spec';
import { marketsharp } from '../../../shared/connectors/marketsharp';
import { marketsharpSpec } from '../../../shared/connectors/marketsharp/spec';
import { secretFields } from '../../../shared/connectors/secret';
import { testConnection } from './helpers';

type JsonSchema = { properties: Record<string, Record<string, unknown>>; required?: string[] };

describe('Spec: database and presets', () => {
  it.each([databaseSpec, geniusSpec, marketsharpSpec])('$type marks the password write-only and secret in the catalog', (spec) => {
    const schema = z.toJSONSchema(spec.configSchema, { io: 'input' }) as unknown as JsonSchema;
    expect(schema.properties.password).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(secretFields(spec.configSchema)).toEqual(['password']);
    expect(spec.deploy).toEqual({ timeout: 900, memorySize: 512, drivers: true });
    expect(spec.rateLimit).toBeUndefined();
  });

  it('names the data types after the configured tables', () => {
    expect(databaseSpec.title).toBe('External Database');
    expect(databaseSpec.defaultDataTypes).toEqual([]);
    expect(databaseSpec.dataTypes({ dialect: 'sqlite', filename: 'x', tables: [{ name: 'a', primaryKey: 'id' }, { name: 'b', primaryKey: 'k' }] })).toEqual(['a', 'b']);
  });

  it('requires host and database except for sqlite, which needs a file', () => {
    const bad = databaseSpec.configSchema.safeParse({ dialect: 'postgres', tables: [{ name: 'a', primaryKey: 'id' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['host', 'database']);
    expect(databaseSpec.configSchema.safeParse({ dialect: 'sqlite', filename: '/tmp/x.db', tables: [{ name: 'a', primaryKey: 'id' }] }).success).toBe(true);
  });

  it('Genius defaults to its seven tables on `modified`, overridable per table', () => {
    expect(geniusSpec.defaultDataTypes).toEqual(['leads', 'prospects', 'appointments', 'users', 'divisions', 'contacts', 'division_groups']);
    const cfg = { host: 'h', database: 'd', username: 'u', tables: [{ name: 'leads', primaryKey: 'lead_id' }, { name: 'extra', primaryKey: 'x', updatedAt: null }] };
    expect(geniusSpec.dataTypes(cfg)).toEqual([...geniusSpec.defaultDataTypes, 'extra']);
  });

  it('MarketSharp defaults to contacts, inquiries, appointments and jobs', () => {
    expect(marketsharpSpec.defaultDataTypes).toEqual(['contacts', 'inquiries', 'appointments', 'jobs']);
  });

  it('a connection test with an invalid config fails with the reason, not an exception', async () => {
    const r = await testConnection(database, { dialect: 'postgres', tables: [] });
    expect(r.ok).toBe(false);
    expect(r.message).toContain('host');
  });

  it('a MarketSharp connection test to a closed port says it could not connect', async () => {
    const r = await testConnection(marketsharp, { host: '127.0.0.1', port: 1, database: 'ms', username: 'sa', password: 'Secret-Pass-1' });
    expect(r.ok).toBe(false);
    expect(r.message).toContain('Could not connect to 127.0.0.1:1');
    expect(r.message).not.toContain('Secret-Pass-1');
  });
});

describe('Dialect: mssql query building (no SQL Server here)', () => {
  const col = (name: string, dataType: string) => ({ name, dataType, kind: mssqlKind(dataType) });
  const t: ResolvedTable = {
    schema: 'dbo',
    name: 'Contact]s',
    pk: col('id', 'bigint'),
    updatedAt: col('lastUpdate', 'datetime2'),
    select: [col('id', 'bigint'), col('name', 'nvarchar'), col('amount', 'decimal'), col('fee', 'money'), col('lastUpdate', 'datetime2'), col('at', 'datetimeoffset'), col('active', 'bit')],
  };

  it('quotes identifiers with brackets, doubling a closing bracket', () => {
    expect(mssql.quote('a]b')).toBe('[a]]b]');
    expect(mssql.quote('x; DROP TABLE y --')).toBe('[x; DROP TABLE y --]');
  });

  it('builds a full page with TOP, exact text for dates and decimals, and bound parameters', () => {
    const q = buildPageQuery(mssql, t, { phase: 'full', pk: '9007199254740993' }, 101);
    expect(q.sql).toBe(
      'SELECT TOP (101) [id], [name], CAST([amount] AS varchar(64)) AS [amount], CONVERT(varchar(32), [fee], 2) AS [fee], ' +
        'CONVERT(varchar(33), [lastUpdate], 126) AS [lastUpdate], CONVERT(varchar(34), [at], 127) AS [at], [active] ' +
        'FROM [dbo].[Contact]]s] WHERE [id] > @p1 ORDER BY [id] ASC',
    );
    expect(q.params).toEqual(['9007199254740993']);
  });

  it('builds the incremental keyset condition on (updatedAt, pk)', () => {
    const q = buildPageQuery(mssql, t, { phase: 'incremental', updatedAt: '2024-01-01T10:00:00.1234567', pk: 5 }, 10);
    expect(q.sql).toContain('WHERE ([lastUpdate] > @p1) OR ([lastUpdate] = @p2 AND [id] > @p3) ORDER BY [lastUpdate] ASC, [id] ASC');
    expect(q.params).toEqual(['2024-01-01T10:00:00.1234567', '2024-01-01T10:00:00.1234567', 5]);
    const since = buildPageQuery(mssql, t, { phase: 'incremental', updatedAt: '2024-01-01T00:00:00.000', pk: null }, 10);
    expect(since.sql).toContain('WHERE [lastUpdate] >= @p1 ORDER BY');
    expect(buildHighWaterQuery(mssql, t).sql).toBe(
      'SELECT TOP (1) CONVERT(varchar(33), [lastUpdate], 126) AS [lastUpdate], [id] FROM [dbo].[Contact]]s] WHERE [lastUpdate] IS NOT NULL ORDER BY [lastUpdate] DESC, [id] DESC',
    );
  });

  it('turns a since date into a zone-less datetime2 literal', async () => {
    await expect(mssql.sinceValue('2024-01-02T03:04:05.678Z', t.updatedAt!, undefined as never, '')).resolves.toBe('2024-01-02T03:04:05.678');
  });
});

describe('Cursor: where a run starts', () => {
  const t = { schema: 's', name: 't', pk: { name: 'id', dataType: 'int', kind: 'int' }, updatedAt: { name: 'm', dataType: 'timestamp', kind: 'timestamp' }, select: [] } as ResolvedTable;
  const inc = { v: 1, key: 'id|m', phase: 'incremental', updatedAt: '2024-01-01 00:00:00', pk: 4 } as const;

  it('continues a resting incremental cursor, but not in full mode or when the key columns changed', () => {
    expect(startFrom(t, { mode: 'incremental', resuming: false }, inc).cursor).toEqual(inc);
    expect(startFrom(t, { mode: 'full', resuming: false }, inc)).toMatchObject({ fresh: true, cursor: { phase: 'full', pk: null } });
    expect(startFrom(t, { mode: 'incremental', resuming: false }, { ...inc, key: 'other|m' })).toMatchObject({ fresh: true });
    expect(startFrom(t, { mode: 'incremental', resuming: false, since: '2024-05-01T00:00:00Z' }, null)).toMatchObject({ since: '2024-05-01T00:00:00Z' });
    expect(DbCursorSchema.safeParse(inc).success).toBe(true);
  });
});
