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
});
