import { Client } from 'pg';
import { database } from '../../../shared/connectors/database';
import { ids, readStream, testConnection, uniqueName } from './helpers';

const schema = uniqueName('sb_db_pg');
const admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
const base = { dialect: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', username: 'postgres', password: '', schema, pageSize: 3 };
const config = (tables: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, tables, ...extra });
const ITEMS = { name: 'items', primaryKey: 'id', updatedAt: 'modified' };

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`SET search_path TO "${schema}"`);
  await admin.query(`CREATE TABLE items (id int PRIMARY KEY, name text, modified timestamp(6))`);
  // ids 3..7 share one timestamp, so ties cross the 3-row page boundaries
  const ts = (i: number) => (i >= 3 && i <= 7 ? '2024-01-01 10:00:00.123456' : `2024-01-01 09:00:0${i % 10}.5`);
  for (let i = 1; i <= 10; i++) await admin.query('INSERT INTO items VALUES ($1, $2, $3)', [i, `item ${i}`, i === 10 ? '2024-01-01 11:00:00' : ts(i)]);
  await admin.query(`CREATE TABLE plain (code text PRIMARY KEY, n int)`);
  await admin.query(`INSERT INTO plain VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)`);
  await admin.query(`CREATE TABLE vals (id bigint PRIMARY KEY, big numeric, amount numeric(10,2), huge bigint, small bigint, raw bytea,
    at timestamptz, day date, doc jsonb, flag boolean, ratio double precision, missing text, tags text[])`);
  await admin.query(`INSERT INTO vals VALUES (9007199254740993, 123456789012345678901234567890.123456789, 10.50, 9223372036854775807, 42,
    '\\x00ff10', '2024-03-04 05:06:07.891234+02', '2024-03-04', '{"a":{"b":[1,2]},"s":"x"}', true, 0.25, NULL, '{x,y}')`);
  await admin.query(`CREATE TABLE "odd""name" ("we""ird" int PRIMARY KEY, v text)`);
  await admin.query(`INSERT INTO "odd""name" VALUES (1, 'one'), (2, 'two')`);
  await admin.query(`CREATE TABLE victim (id int PRIMARY KEY)`);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

describe('Connector: database (PostgreSQL)', () => {
  describe('Method: test', () => {
    it('connects and finds the configured tables', async () => {
      const r = await testConnection(database, config([ITEMS, { name: 'plain', primaryKey: 'code' }]));
      expect(r).toEqual({ ok: true, message: expect.stringContaining('items, plain') });
    });
    it('says it could not connect to host:port on a wrong port', async () => {
      const r = await testConnection(database, config([ITEMS], { port: 1, password: 'sekrit-pw' }));
      expect(r.ok).toBe(false);
      expect(r.message).toContain('Could not connect to 127.0.0.1:1');
      expect(r.message).not.toContain('sekrit-pw');
    });
    it('names an unknown table', async () => {
      const r = await testConnection(database, config([{ name: 'nope', primaryKey: 'id' }]));
      expect(r.ok).toBe(false);
      expect(r.message).toContain('Table "nope" was not found');
    });
    it('names an unknown column', async () => {
      const r = await testConnection(database, config([{ name: 'items', primaryKey: 'id', updatedAt: 'updated_at' }]));
      expect(r.ok).toBe(false);
      expect(r.message).toContain('Column "updated_at"');
    });
  });

  describe('Method: read', () => {
    it('reads the whole table over several pages, exactly', async () => {
      const r = await readStream(database, config([ITEMS]), 'items');
      expect(r.pages.length).toBe(4);
      const { rows } = await admin.query(`SELECT id, name FROM "${schema}".items ORDER BY id`);
      expect(r.records.map((x) => ({ id: x.data.id, name: x.data.name }))).toEqual(rows);
      expect(ids(r)).toEqual(rows.map((x) => String(x.id)));
      expect(r.records[0].updatedAt).toBe('2024-01-01T09:00:01.500Z');
      expect(r.records[0].data.modified).toBe('2024-01-01T09:00:01.5Z');
      expect(r.cursor).toMatchObject({ phase: 'incremental', updatedAt: '2024-01-01 11:00:00', pk: 10 });
    });

    it('incremental after a full run picks up one changed row and only it', async () => {
      const full = await readStream(database, config([ITEMS]), 'items');
      await admin.query(`UPDATE "${schema}".items SET name = 'changed', modified = '2024-02-01 00:00:00.000001' WHERE id = 4`);
      const inc = await readStream(database, config([ITEMS]), 'items', { mode: 'incremental', cursor: full.cursor });
      expect(ids(inc)).toEqual(['4']);
      expect(inc.records[0].data.name).toBe('changed');
      const again = await readStream(database, config([ITEMS]), 'items', { mode: 'incremental', cursor: inc.cursor });
      expect(again.records).toEqual([]);
      expect(again.cursor).toEqual(inc.cursor);
      await admin.query(`UPDATE "${schema}".items SET name = 'item 4', modified = '2024-01-01 10:00:00.123456' WHERE id = 4`);
    });

    it('loses and repeats nothing when equal timestamps cross page boundaries', async () => {
      const r = await readStream(database, config([ITEMS], { pageSize: 2 }), 'items', { mode: 'incremental', since: '2024-01-01T10:00:00.000Z' });
      expect(ids(r)).toEqual(['3', '4', '5', '6', '7', '10']);
      expect(r.pages.length).toBe(3);
    });

    it('resumes a full run from a mid-run cursor, and a change made mid-run reaches the next incremental', async () => {
      const cfg = config([ITEMS]);
      const part = await readStream(database, cfg, 'items', { maxPages: 2 });
      expect(ids(part)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(part.cursor).toMatchObject({ phase: 'full', pk: 6 });
      await admin.query(`UPDATE "${schema}".items SET modified = '2024-03-01 00:00:00' WHERE id = 2`);
      const rest = await readStream(database, cfg, 'items', { cursor: part.cursor, resuming: true });
      expect(ids(rest)).toEqual(['7', '8', '9', '10']);
      const inc = await readStream(database, cfg, 'items', { mode: 'incremental', cursor: rest.cursor });
      expect(ids(inc)).toEqual(['2']);
      await admin.query(`UPDATE "${schema}".items SET modified = '2024-01-01 09:00:02.5' WHERE id = 2`);
    });

    it('resumes an incremental run from its mid-run cursor', async () => {
      const cfg = config([ITEMS], { pageSize: 2 });
      const part = await readStream(database, cfg, 'items', { mode: 'incremental', since: '2024-01-01T10:00:00Z', maxPages: 1 });
      expect(ids(part)).toEqual(['3', '4']);
      const rest = await readStream(database, cfg, 'items', { mode: 'incremental', cursor: part.cursor, resuming: true });
      expect(ids(rest)).toEqual(['5', '6', '7', '10']);
    });

    it('reads a table without updatedAt in full on every run', async () => {
      const cfg = config([{ name: 'plain', primaryKey: 'code' }]);
      const first = await readStream(database, cfg, 'plain');
      const second = await readStream(database, cfg, 'plain', { mode: 'incremental', cursor: first.cursor });
      expect(ids(first)).toEqual(['a', 'b', 'c', 'd']);
      expect(ids(second)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('converts values faithfully', async () => {
      const r = await readStream(database, config([{ name: 'vals', primaryKey: 'id' }]), 'vals');
      expect(r.records).toHaveLength(1);
      expect(r.records[0].id).toBe('9007199254740993');
      expect(r.records[0].data).toEqual({
        id: '9007199254740993',
        big: '123456789012345678901234567890.123456789',
        amount: '10.50',
        huge: '9223372036854775807',
        small: 42,
        raw: Buffer.from([0, 255, 16]).toString('base64'),
        at: '2024-03-04T03:06:07.891234Z',
        day: '2024-03-04',
        doc: { a: { b: [1, 2] }, s: 'x' },
        flag: true,
        ratio: 0.25,
        missing: null,
        tags: ['x', 'y'],
      });
    });

    it('quotes names that need quoting', async () => {
      const r = await readStream(database, config([{ name: 'odd"name', primaryKey: 'we"ird' }], { pageSize: 1 }), 'odd"name');
      expect(ids(r)).toEqual(['1', '2']);
      expect(r.records[1].data).toEqual({ 'we"ird': 2, v: 'two' });
    });

    it('refuses an injection attempt in a table or column name', async () => {
      const evilTable = { name: `items"; DROP TABLE "${schema}".victim; --`, primaryKey: 'id' };
      await expect(readStream(database, config([evilTable]), evilTable.name)).rejects.toThrow(/Table "items"; DROP TABLE .* was not found/);
      const evilColumn = { name: 'items', primaryKey: `id" FROM "${schema}".victim; DROP TABLE "${schema}".victim; --` };
      await expect(readStream(database, config([evilColumn]), 'items')).rejects.toThrow(/Column "id" FROM .* was not found/);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'victim'`, [schema]);
      expect(rows[0].n).toBe(1);
    });
  });
});
