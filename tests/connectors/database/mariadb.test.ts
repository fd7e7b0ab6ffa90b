import { createConnection, type Connection } from 'mysql2/promise';
import { database } from '../../../shared/connectors/database';
import { ids, readStream, testConnection, uniqueName } from './helpers';

const items = uniqueName('sb_db_items');
const vals = uniqueName('sb_db_vals');
const victim = uniqueName('sb_db_victim');
let admin: Connection;
const base = { dialect: 'mariadb', host: '127.0.0.1', port: 3306, database: 'test', username: 'root', password: '', pageSize: 3 };
const config = (tables: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, tables, ...extra });
const ITEMS = { name: items, primaryKey: 'id', updatedAt: 'modified' };

beforeAll(async () => {
  admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', dateStrings: true });
  await admin.query(`CREATE TABLE \`${items}\` (id INT PRIMARY KEY, name VARCHAR(50), modified DATETIME(6))`);
  for (let i = 1; i <= 10; i++) {
    const ts = i >= 3 && i <= 7 ? '2024-01-01 10:00:00.123456' : i === 10 ? '2024-01-01 11:00:00' : `2024-01-01 09:00:0${i}.5`;
    await admin.query(`INSERT INTO \`${items}\` VALUES (?, ?, ?)`, [i, `item ${i}`, ts]);
  }
  await admin.query(`CREATE TABLE \`${vals}\` (id BIGINT UNSIGNED PRIMARY KEY, amount DECIMAL(30,10), huge BIGINT, small BIGINT, raw VARBINARY(8),
    at DATETIME(3), ts TIMESTAMP NULL, day DATE, doc JSON, flag TINYINT(1), n TINYINT, ratio DOUBLE, missing TEXT)`);
  await admin.query(`INSERT INTO \`${vals}\` VALUES (18446744073709551615, 12345678901234567890.0123456789, -9223372036854775808, 7, X'00FF10',
    '2024-03-04 05:06:07.891', '2024-03-04 05:06:07', '2024-03-04', '{"a":{"b":[1,2]}}', 1, 5, 0.25, NULL), (2, 1.5, 1, 1, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, 'x')`);
  await admin.query(`CREATE TABLE \`${victim}\` (id INT PRIMARY KEY)`);
});

afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS \`${items}\`, \`${vals}\`, \`${victim}\``);
  await admin.end();
});

describe('Connector: database (MariaDB)', () => {
  describe('Method: test', () => {
    it('connects and finds the configured tables', async () => {
      const r = await testConnection(database, config([ITEMS]));
      expect(r).toEqual({ ok: true, message: expect.stringContaining(items) });
    });
    it('reports Authentication Failed on a bad password, without the password', async () => {
      const r = await testConnection(database, config([ITEMS], { password: 'not-the-password' }));
      expect(r.ok).toBe(false);
      expect(r.message).toContain('Authentication Failed');
      expect(r.message).not.toContain('not-the-password');
    });
    it('names an unknown database', async () => {
      const r = await testConnection(database, config([ITEMS], { database: 'no_such_db_here' }));
      expect(r).toEqual({ ok: false, message: expect.stringContaining('Database "no_such_db_here" does not exist') });
    });
    it('names an unknown table', async () => {
      const r = await testConnection(database, config([{ name: 'nope', primaryKey: 'id' }]));
      expect(r).toEqual({ ok: false, message: expect.stringContaining('Table "nope" was not found') });
    });
  });

  describe('Method: read', () => {
    it('reads the whole table over several pages, exactly', async () => {
      const r = await readStream(database, config([ITEMS]), items);
      expect(r.pages.length).toBe(4);
      const [rows] = await admin.query(`SELECT id, name FROM \`${items}\` ORDER BY id`);
      expect(r.records.map((x) => ({ id: x.data.id, name: x.data.name }))).toEqual(rows);
      expect(r.records[2].data.modified).toBe('2024-01-01T10:00:00.123456Z');
      expect(r.records[2].updatedAt).toBe('2024-01-01T10:00:00.123Z');
    });

    it('incremental after a full run picks up one changed row and only it', async () => {
      const full = await readStream(database, config([ITEMS]), items);
      await admin.query(`UPDATE \`${items}\` SET name = 'changed', modified = '2024-02-01 00:00:00.000001' WHERE id = 8`);
      const inc = await readStream(database, config([ITEMS]), items, { mode: 'incremental', cursor: full.cursor });
      expect(ids(inc)).toEqual(['8']);
      const again = await readStream(database, config([ITEMS]), items, { mode: 'incremental', cursor: inc.cursor });
      expect(again.records).toEqual([]);
      await admin.query(`UPDATE \`${items}\` SET name = 'item 8', modified = '2024-01-01 09:00:08.5' WHERE id = 8`);
    });

    it('loses and repeats nothing when equal timestamps cross page boundaries', async () => {
      const r = await readStream(database, config([ITEMS], { pageSize: 2 }), items, { mode: 'incremental', since: '2024-01-01T10:00:00Z' });
      expect(ids(r)).toEqual(['3', '4', '5', '6', '7', '10']);
    });

    it('resumes from a mid-run cursor', async () => {
      const part = await readStream(database, config([ITEMS]), items, { maxPages: 1 });
      const rest = await readStream(database, config([ITEMS]), items, { cursor: part.cursor, resuming: true });
      expect([...ids(part), ...ids(rest)]).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    });

    it('converts values faithfully (unsigned bigint keys page correctly)', async () => {
      const r = await readStream(database, config([{ name: vals, primaryKey: 'id' }], { pageSize: 1 }), vals);
      expect(ids(r)).toEqual(['2', '18446744073709551615']);
      expect(r.records[1].data).toEqual({
        id: '18446744073709551615',
        amount: '12345678901234567890.0123456789',
        huge: '-9223372036854775808',
        small: 7,
        raw: Buffer.from([0, 255, 16]).toString('base64'),
        at: '2024-03-04T05:06:07.891Z',
        ts: '2024-03-04T05:06:07Z',
        day: '2024-03-04',
        doc: { a: { b: [1, 2] } },
        flag: true,
        n: 5,
        ratio: 0.25,
        missing: null,
      });
      expect(r.records[0].data).toMatchObject({ flag: false, raw: null, doc: null, missing: 'x', amount: '1.5000000000' });
    });

    it('refuses an injection attempt in a table or column name', async () => {
      const evil = { name: `${items}\`; DROP TABLE \`${victim}\`; --`, primaryKey: 'id' };
      await expect(readStream(database, config([evil]), evil.name)).rejects.toThrow(/was not found/);
      const evilCol = { name: items, primaryKey: `id\` FROM \`${victim}\`; --` };
      await expect(readStream(database, config([evilCol]), items)).rejects.toThrow(/Column .* was not found/);
      const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = ?`, [victim]);
      expect((rows as Array<{ n: number }>)[0].n).toBe(1);
    });
  });
});
