import { Client } from 'pg';
import { genius } from '../../../shared/connectors/genius';
import { ids, readStream, testConnection, uniqueName } from './helpers';

const schema = uniqueName('sb_genius');
const admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
const TABLES = ['leads', 'prospects', 'appointments', 'users', 'divisions', 'contacts', 'division_groups'];
const base = { host: '127.0.0.1', port: 5432, database: 'test', username: 'postgres', password: '', schema, pageSize: 2 };

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  for (const t of TABLES) {
    await admin.query(`CREATE TABLE "${schema}".${t} (id serial PRIMARY KEY, name text NOT NULL, modified timestamp NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}".${t} (name, modified) SELECT '${t} ' || g, timestamp '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 5) g`);
  }
  // Genius keys leads on lead_id in some installs: the config overrides that table only.
  await admin.query(`ALTER TABLE "${schema}".leads RENAME COLUMN id TO lead_id`);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

describe('Connector: genius (PostgreSQL preset)', () => {
  it('tests the connection against all seven default tables', async () => {
    const withDefaults = await testConnection(genius, base);
    expect(withDefaults).toEqual({ ok: false, message: expect.stringContaining('Column "id" (primaryKey of table "leads")') });
    const r = await testConnection(genius, { ...base, tables: [{ name: 'leads', primaryKey: 'lead_id' }] });
    expect(r).toEqual({ ok: true, message: expect.stringContaining(TABLES.join(', ')) });
  });

  it('offers one stream per table and reads each in chunks', async () => {
    const cfg = { ...base, tables: [{ name: 'leads', primaryKey: 'lead_id' }] };
    expect(genius.streams(cfg).map((s) => s.name)).toEqual(TABLES);
    for (const t of TABLES) {
      const r = await readStream(genius, cfg, t);
      expect(r.pages.length).toBe(3);
      expect(r.records.map((x) => x.data.name)).toEqual([1, 2, 3, 4, 5].map((g) => `${t} ${g}`));
    }
  });

  it('syncs incrementally on the modified column', async () => {
    const cfg = { ...base, tables: [{ name: 'leads', primaryKey: 'lead_id' }] };
    const full = await readStream(genius, cfg, 'leads');
    expect(ids(full)).toEqual(['1', '2', '3', '4', '5']);
    await admin.query(`UPDATE "${schema}".leads SET name = 'moved', modified = '2024-06-01' WHERE lead_id = 2`);
    await admin.query(`INSERT INTO "${schema}".leads (name, modified) VALUES ('new lead', '2024-06-02')`);
    const inc = await readStream(genius, cfg, 'leads', { mode: 'incremental', cursor: full.cursor });
    expect(inc.records.map((r) => [r.id, r.data.name, r.updatedAt])).toEqual([
      ['2', 'moved', '2024-06-01T00:00:00.000Z'],
      ['6', 'new lead', '2024-06-02T00:00:00.000Z'],
    ]);
  });
});
