import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { database } from '../../../shared/connectors/database';
import { ids, readStream, testConnection } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-'));
const filename = join(dir, 'test.db');
let db: Database.Database;
const config = (tables: unknown[], extra: Record<string, unknown> = {}) => ({ dialect: 'sqlite', filename, pageSize: 3, tables, ...extra });
const ITEMS = { name: 'items', primaryKey: 'id', updatedAt: 'modified' };

beforeAll(() => {
  db = new Database(filename);
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, modified DATETIME)`);
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?)');
  for (let i = 1; i <= 8; i++) ins.run(i, `item ${i}`, i >= 2 && i <= 5 ? '2024-01-01 10:00:00' : `2024-01-01 0${i}:00:00`);
  db.exec(`CREATE TABLE vals (id INTEGER PRIMARY KEY, big INTEGER, raw BLOB, doc JSON, flag BOOLEAN, at TIMESTAMP, price REAL, missing TEXT)`);
  db.prepare('INSERT INTO vals VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(1, 9007199254740993n, Buffer.from([1, 2, 3]), '{"k":[true,null]}', 1, '2024-05-06 07:08:09', 1.25, null);
  db.exec(`CREATE TABLE victim (id INTEGER PRIMARY KEY)`);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Connector: database (SQLite)', () => {
  it('tests the connection and reports a missing file', async () => {
    expect(await testConnection(database, config([ITEMS]))).toEqual({ ok: true, message: expect.stringContaining('items') });
    const r = await testConnection(database, config([ITEMS], { filename: join(dir, 'missing.db') }));
    expect(r).toEqual({ ok: false, message: expect.stringContaining('Could not open the SQLite database file') });
  });

  it('reads everything over pages, then only the changed row incrementally', async () => {
    const full = await readStream(database, config([ITEMS]), 'items');
    expect(ids(full)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(full.pages.length).toBe(3);
    db.prepare(`UPDATE items SET name = 'new', modified = '2024-02-01 00:00:00' WHERE id = 3`).run();
    const inc = await readStream(database, config([ITEMS]), 'items', { mode: 'incremental', cursor: full.cursor });
    expect(ids(inc)).toEqual(['3']);
    expect(inc.records[0]).toMatchObject({ updatedAt: '2024-02-01T00:00:00.000Z', data: { name: 'new', modified: '2024-02-01T00:00:00Z' } });
    db.prepare(`UPDATE items SET name = 'item 3', modified = '2024-01-01 10:00:00' WHERE id = 3`).run();
  });

  it('pages through equal timestamps from a since date without loss or repeats', async () => {
    const r = await readStream(database, config([ITEMS], { pageSize: 1 }), 'items', { mode: 'incremental', since: '2024-01-01T06:00:00Z' });
    expect(ids(r)).toEqual(['6', '7', '8', '2', '3', '4', '5']);
  });

  it('converts values faithfully', async () => {
    const r = await readStream(database, config([{ name: 'vals', primaryKey: 'id' }]), 'vals');
    expect(r.records[0].data).toEqual({
      id: 1,
      big: '9007199254740993',
      raw: Buffer.from([1, 2, 3]).toString('base64'),
      doc: { k: [true, null] },
      flag: true,
      at: '2024-05-06T07:08:09Z',
      price: 1.25,
      missing: null,
    });
  });

  it('refuses an injection attempt in a table name', async () => {
    const evil = { name: 'items"; DROP TABLE victim; --', primaryKey: 'id' };
    await expect(readStream(database, config([evil]), evil.name)).rejects.toThrow(/was not found/);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'victim'`).get()).toEqual({ n: 1 });
  });
});
