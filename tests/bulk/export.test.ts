import { request } from 'undici';
import { csvLine, openExport, EXPORT_PAGE_SIZE } from '../../shared/bulk/export';
import { recordHash } from '../../shared/store/hash';
import { createDb } from '../../shared/store/db';
import { toItem, type StoredRecord } from '../../shared/store/record-item';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';

const TOTAL = 20_000;

/** Counts the store's Query calls (the pages an export has read so far). */
function countQueries(stack: TestStack): { n: number } {
  const counter = { n: 0 };
  stack.app.db.client.use((next) => async (operation, input) => {
    if (operation === 'Query') counter.n++;
    return next(operation, input);
  });
  return counter;
}

describe('GET /api/integrations/{id}/export', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let id: string;
  let queries: { n: number };
  const at = (i: number) => `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    id = (await call('POST', '/api/integrations', { name: 'Leads', type: 'file', config: { dataType: 'leads', idColumn: 'email' } })).body.id;
    const records: StoredRecord[] = [];
    for (let i = 0; i < TOTAL; i++) {
      // Fields vary between records: the CSV header is their union, in the order they first appear.
      const data: Record<string, unknown> = { email: `lead${i}@example.com`, name: i === 1 ? 'Quote "and", comma\nnewline' : `Lead ${i}` };
      if (i % 1000 === 7) data.address = { city: 'Austin', zip: '78701' };
      if (i === TOTAL - 1) data.late = true;
      records.push({ integrationId: id, dataType: 'leads', externalId: data.email as string, data, hash: recordHash(data), syncStatus: 'synced', createdAt: at(i), updatedAt: at(i), deleted: i % 100 === 99 });
    }
    // Seeded through a client of its own: the stack's captures each write for realtime flows, which these need not.
    const seed = createDb({ endpoint: stack.dynamoEndpoint, table: stack.app.db.table });
    records.push({ integrationId: id, dataType: 'other', externalId: 'x', data: { x: 1 }, hash: 'h', syncStatus: 'synced', createdAt: at(0), updatedAt: at(0) });
    await seed.batchWrite(records.map(toItem), [], 16);
    seed.client.destroy();
    queries = countQueries(stack);
  }, 180_000);
  afterAll(() => stack.close());

  it('NDJSON: every live record of the data type, one Integration Data Object per line', async () => {
    const r = await call('GET', `/api/integrations/${id}/export?dataType=leads&format=ndjson`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    expect(r.headers['content-disposition']).toBe('attachment; filename="leads.ndjson"');
    const lines = r.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(TOTAL - TOTAL / 100);
    expect(lines[0]).toMatchObject({ integrationId: id, dataType: 'leads', deleted: false, data: expect.objectContaining({ email: expect.any(String) }) });
    expect(new Set(lines.map((l) => l.externalId)).size).toBe(lines.length);
    expect(lines.some((l) => l.externalId === 'lead99@example.com')).toBe(false);
  });

  it('CSV: the union of top-level fields as the header, RFC 4180 quoting, nested values as JSON', async () => {
    const r = await call('GET', `/api/integrations/${id}/export?dataType=leads&format=csv&includeDeleted=true`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = r.text.split('\r\n');
    expect(rows[0]).toBe('_externalId,_updatedAt,_deleted,email,name,address,late');
    expect(rows.filter((x) => x).length).toBe(TOTAL + 1); // + the header; the quoted newline is a bare LF
    expect(r.text).toContain(csvLine(['lead1@example.com', at(1), 'false', 'lead1@example.com', 'Quote "and", comma\nnewline', '', '']));
    expect(r.text).toContain('"Quote ""and"", comma\nnewline"');
    expect(r.text).toContain(`lead7@example.com,${at(7)},false,lead7@example.com,Lead 7,"{""city"":""Austin"",""zip"":""78701""}",\r\n`);
    expect(r.text).toContain(`lead99@example.com,${at(99)},true,`);
    expect(r.text).toContain(`,Lead ${TOTAL - 1},,true\r\n`);
  });

  it('modifiedAfter selects records changed after it; includeDeleted=false leaves deleted ones out', async () => {
    const r = await call('GET', `/api/integrations/${id}/export?dataType=leads&modifiedAfter=2026-11-27T12:00:00Z`);
    const ids = r.text.trimEnd().split('\n').map((l) => JSON.parse(l).externalId as string);
    const expected = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 28 === 27 && i % 100 !== 99).map((i) => `lead${i}@example.com`);
    expect(ids.sort()).toEqual(expected.sort());
    const none = await call('GET', `/api/integrations/${id}/export?dataType=nothing&format=csv`);
    expect(none.text).toBe('_externalId,_updatedAt\r\n');
  });

  it('streams: the first chunk is out after one page is read, and each next page is read only when asked for', async () => {
    const before = queries.n;
    const file = await openExport(stack.app.records, id, { dataType: 'leads', format: 'ndjson' });
    expect(queries.n).toBe(before);
    const it = file.chunks[Symbol.asyncIterator]();
    const first = await it.next();
    const lines = first.value!.trimEnd().split('\n').length;
    expect(lines).toBeGreaterThan(EXPORT_PAGE_SIZE * 0.9);
    expect(lines).toBeLessThanOrEqual(EXPORT_PAGE_SIZE);
    expect(queries.n - before).toBe(1);
    await it.next();
    expect(queries.n - before).toBe(2);
    await it.return?.();
  });

  it('over HTTP: the first bytes arrive while most pages are still unread', async () => {
    const before = queries.n;
    const res = await request(`${stack.url}/api/integrations/${id}/export?dataType=leads&format=csv`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBeUndefined();
    let readAtFirstBytes = -1;
    let text = '';
    for await (const chunk of res.body) {
      if (readAtFirstBytes < 0) readAtFirstBytes = queries.n - before;
      text += chunk;
    }
    const pages = Math.ceil(TOTAL / EXPORT_PAGE_SIZE);
    // The header pass reads every page before the first byte; the rows pass had read few of its pages.
    expect(readAtFirstBytes).toBeGreaterThanOrEqual(pages);
    expect(readAtFirstBytes).toBeLessThan(pages + pages / 2);
    expect(queries.n - before).toBeGreaterThanOrEqual(2 * pages);
    expect(text.split('\r\n').length).toBeGreaterThan(TOTAL - TOTAL / 100);
  });

  it('answers 404 for another tenant\'s integration and 400 for a bad query', async () => {
    const other = await stack.app.tenants.createTenant('other');
    const r = await api(stack.url!, other.apiKey)('GET', `/api/integrations/${id}/export?dataType=leads`);
    expect([r.status, r.body.error.code]).toEqual([404, 'integration_not_found']);
    for (const q of ['', 'dataType=leads&format=xml', 'dataType=leads&modifiedAfter=yesterday', 'dataType=leads&includeDeleted=yes', 'dataType=leads&extra=1'])
      expect([q, (await call('GET', `/api/integrations/${id}/export?${q}`)).status]).toEqual([q, 400]);
  });
});
