import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { MAX_IMPORT_BYTES } from '../../shared/api/bulk';

const CSV = [
  'email,first_name,city,updated',
  'ann@example.com,Ann,"Austin, TX",2026-11-01T10:00:00Z',
  'bob@example.com,Bob,"He said ""hi""",2026-11-01T10:00:00Z',
  ',NoId,Nowhere,',
  'ann@example.com,Ann again,Dallas,2026-11-02T10:00:00Z',
  '',
  'cy@example.com,Cy,"two',
  'lines",2026-11-01T10:00:00Z',
  'dee@example.com,Dee,Denver,yesterday-ish',
  'eve@example.com,Eve,Erie,,surplus',
].join('\r\n');

describe('POST /api/integrations/{id}/import (file integrations)', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let id: string;
  const upload = (body: string | Buffer, query = '', contentType = 'text/csv') => call('POST', `/api/integrations/${id}/import${query}`, body as string, { 'content-type': contentType });
  const runs = async () => (await call('GET', `/api/integrations/${id}/runs`)).body.runs;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    const r = await call('POST', '/api/integrations', { name: 'Lead sheet', type: 'file', config: { dataType: 'leads', idColumn: 'email', modifiedColumn: 'updated' } });
    expect(r.status).toBe(201);
    id = r.body.id;
    expect(r.body).toMatchObject({ type: 'file', nextSyncAt: null, config: { format: 'csv', dataType: 'leads', idColumn: 'email' } });
  });
  afterAll(() => stack.close());

  it('imports a CSV as a run: rows upserted by id, per-row errors with spreadsheet row numbers', async () => {
    const r = await upload(CSV);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'partial', dryRun: false, dataType: 'leads', stats: { processed: 7, created: 3, updated: 0, unchanged: 0, failed: 4 } });
    expect(r.body.errors).toEqual([
      { row: 4, reason: 'missing id (column "email")' },
      { row: 5, id: 'ann@example.com', reason: 'duplicate id "ann@example.com" (first on row 2)' },
      // Row 6 is blank; the quoted line break keeps Cy on row 7.
      { row: 8, id: 'dee@example.com', reason: '"updated" is not a date: "yesterday-ish"' },
      { row: 9, reason: 'the row has 5 cells, the header 4' },
    ]);
    const data = (await call('GET', `/api/integrations/${id}/data?dataType=leads`)).body.data;
    expect(data.map((d: { externalId: string }) => d.externalId).sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    expect(data.find((d: { externalId: string }) => d.externalId === 'cy@example.com').data).toEqual({ email: 'cy@example.com', first_name: 'Cy', city: 'two\r\nlines', updated: '2026-11-01T10:00:00Z' });
    expect(data.find((d: { externalId: string }) => d.externalId === 'ann@example.com')).toMatchObject({ data: { city: 'Austin, TX' }, sourceUpdatedAt: '2026-11-01T10:00:00.000Z' });
    const [run] = await runs();
    expect(run).toMatchObject({ id: r.body.runId, trigger: 'import', status: 'partial', stats: { created: 3, failed: 4, processed: 7 } });
    expect(run.errors[0]).toEqual({ dataType: 'leads', reason: 'row 4: missing id (column "email")' });
  });

  it('re-importing the unchanged file writes no record; a changed row updates only that record', async () => {
    const writes = stack.app.db.writes;
    const again = await upload(CSV);
    expect(again.body.stats).toEqual({ processed: 7, created: 0, updated: 0, unchanged: 3, deleted: 0, failed: 4 });
    expect(stack.app.db.writes).toBe(writes);
    const changed = await upload(CSV.replace('Bob,', 'Robert,').replace('10:00:00Z\r\n,NoId', '11:00:00Z\r\n,NoId'));
    expect(changed.body.stats).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(stack.app.db.writes).toBe(writes + 1);
    const bob = (await call('GET', `/api/integrations/${id}/data?dataType=leads`)).body.data.find((d: { externalId: string }) => d.externalId === 'bob@example.com');
    expect(bob).toMatchObject({ data: { first_name: 'Robert' }, sourceUpdatedAt: '2026-11-01T11:00:00.000Z' });
    // An older copy of a row (its modified column earlier than what is stored) never overwrites newer data.
    const older = await upload('email,first_name,city,updated\r\nbob@example.com,Bobby,X,2026-10-01T00:00:00Z\r\n');
    expect(older.body.stats).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await runs()).map((r: { trigger: string }) => r.trigger)).toEqual(['import', 'import', 'import', 'import']);
  });

  it('an exported CSV imports back unchanged (the export columns _externalId, _updatedAt are not data)', async () => {
    const exported = await call('GET', `/api/integrations/${id}/export?dataType=leads&format=csv`);
    expect(exported.text.split('\r\n')[0]).toBe('_externalId,_updatedAt,email,first_name,city,updated');
    const writes = stack.app.db.writes;
    const back = await upload(exported.text);
    expect(back.body).toMatchObject({ status: 'succeeded', stats: { processed: 3, unchanged: 3, failed: 0 }, errors: [] });
    expect(stack.app.db.writes).toBe(writes);
  });

  it('imports NDJSON (per upload or configured), with bad JSON, non-objects and duplicates reported by line', async () => {
    const nd = [
      JSON.stringify({ email: 'nd1@example.com', tags: ['a', 'b'], address: { city: 'Austin' } }),
      '{"email": "nd2@example.com",',
      '',
      '[1,2]',
      JSON.stringify({ email: 'nd1@example.com' }),
      JSON.stringify({ email: 42, n: 1 }),
      JSON.stringify({ name: 'no id' }),
      '{"email":"deep@example.com","x":' + '['.repeat(30) + ']'.repeat(30) + '}',
      '{"email":"big@example.com","n":{"m":[9007199254740993]}}',
    ].join('\n');
    const r = await upload(nd, '?format=ndjson', 'application/x-ndjson');
    expect(r.status).toBe(200);
    expect(r.body.stats).toMatchObject({ processed: 8, created: 2, failed: 6 });
    expect(r.body.errors).toEqual([
      { row: 2, reason: 'The request body is not valid JSON.' },
      { row: 4, reason: 'not a JSON object' },
      { row: 5, id: 'nd1@example.com', reason: 'duplicate id "nd1@example.com" (first on row 1)' },
      { row: 7, reason: 'missing id (column "email")' },
      { row: 8, reason: 'The JSON is nested deeper than 20 levels.' },
      { row: 9, id: 'big@example.com', reason: 'a number beyond ±9007199254740991 cannot be stored exactly: write it as a string' },
    ]);
    const stored = (await call('GET', `/api/integrations/${id}/data?dataType=leads&limit=100`)).body.data;
    expect(stored.find((d: { externalId: string }) => d.externalId === 'nd1@example.com').data).toEqual({ email: 'nd1@example.com', tags: ['a', 'b'], address: { city: 'Austin' } });
    expect(stored.find((d: { externalId: string }) => d.externalId === '42').data).toEqual({ email: 42, n: 1 });
  });

  it('a dry run previews the first rows and the errors, writes nothing and records no run', async () => {
    const before = (await runs()).length;
    const writes = stack.app.db.writes;
    const csv = ['email,first_name', 'new1@example.com,New', 'ann@example.com,Ann', ',x'].join('\n');
    const r = await upload(csv, '?dryRun=true');
    expect(r.body).toMatchObject({ runId: null, dryRun: true, status: 'partial', stats: { processed: 3, created: 1, updated: 1, failed: 1 } });
    expect(r.body.preview).toEqual([
      { row: 2, id: 'new1@example.com', data: { email: 'new1@example.com', first_name: 'New' } },
      { row: 3, id: 'ann@example.com', data: { email: 'ann@example.com', first_name: 'Ann' } },
    ]);
    expect(r.body.errors).toEqual([{ row: 4, reason: 'missing id (column "email")' }]);
    expect(stack.app.db.writes).toBe(writes);
    expect(await runs()).toHaveLength(before);
  });

  it('refuses what it cannot read with a 4xx that names the problem, and leaves no run behind', async () => {
    const before = (await runs()).length;
    const cases: Array<[string | Buffer, string, number, string]> = [
      ['name,city\nx,y', '', 400, 'invalid_file'],
      ['email,name,email\na,b,c', '', 400, 'invalid_file'],
      ['', '', 400, 'empty_body'],
      ['\r\n\r\n', '', 400, 'invalid_file'],
      ['email\na', '?format=xlsx', 400, 'validation_error'],
      ['email\na', '?dryRun=maybe', 400, 'validation_error'],
      [Buffer.alloc(MAX_IMPORT_BYTES + 1, 'a'), '', 413, 'payload_too_large'],
    ];
    for (const [body, query, status, code] of cases) {
      const r = await upload(body, query);
      expect([String(body).slice(0, 30), query, r.status, r.body?.error?.code]).toEqual([String(body).slice(0, 30), query, status, code]);
    }
    expect(await runs()).toHaveLength(before);
    const invalid = await upload('name,city\nx,y');
    expect(invalid.body.error.message).toBe('The id column "email" is not in the header ("name", "city").');
  });

  it('is for file integrations of the caller only; a file integration refuses to sync', async () => {
    const other = await stack.app.tenants.createTenant('other');
    const r = await api(stack.url!, other.apiKey)('POST', `/api/integrations/${id}/import`, 'email\na', { 'content-type': 'text/csv' });
    expect([r.status, r.body.error.code]).toEqual([404, 'integration_not_found']);
    const hs = await call('POST', '/api/integrations', { name: 'HS', type: 'hubspot', status: 'inactive', config: { baseUrl: 'http://127.0.0.1:9', accessToken: 'tok' } });
    const notFile = await call('POST', `/api/integrations/${hs.body.id}/import`, 'email\na', { 'content-type': 'text/csv' });
    expect([notFile.status, notFile.body.error.code]).toEqual([400, 'not_importable']);
    const sync = await call('POST', `/api/integrations/${id}/sync`, {});
    expect([sync.status, sync.body.error.code]).toEqual([400, 'nothing_to_sync']);
    const test = await call('POST', `/api/integrations/${id}/test`);
    expect(test.body).toMatchObject({ ok: true });
    expect(await stack.app.integrations.due(new Date(Date.now() + 86_400_000).toISOString())).toEqual(expect.not.arrayContaining([expect.objectContaining({ id })]));
  });
});
