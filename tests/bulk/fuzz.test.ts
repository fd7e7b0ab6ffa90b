import fc from 'fast-check';
import { bulkRoutes } from '../../shared/api/bulk';
import { createApiHandler } from '../../shared/api/handler';
import * as replies from '../../shared/api/replies';
import type { HttpEvent } from '../../shared/lambda-types';
import { startTestStack, type TestStack } from '../helpers/stack';

const event = (method: string, path: string, apiKey: string, query: string, body?: Buffer): HttpEvent => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: query,
  headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
  body: body?.toString('base64'),
  isBase64Encoded: body !== undefined,
  requestContext: { http: { method, path } },
});

describe('Property: no upload or export query makes the bulk routes answer 5xx', () => {
  let stack: TestStack;
  let handler: ReturnType<typeof createApiHandler>;
  let fileId: string;
  let ndjsonId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    handler = createApiHandler(() => stack.app, (a) => bulkRoutes(a), { replies });
    fileId = (await stack.svc.create(stack.tenantId, { name: 'csv', type: 'file', config: { idColumn: 'id', modifiedColumn: 'at' } })).id;
    ndjsonId = (await stack.svc.create(stack.tenantId, { name: 'nd', type: 'file', config: { idColumn: 'id', format: 'ndjson' } })).id;
  });
  afterAll(() => stack.close());

  const cell = fc.oneof(fc.string(), fc.constantFrom('', '"', '""', '"a,b"', 'x\ny', '\r', '1', '2026-11-01', 'not a date', '__proto__', 'constructor'));
  const csv = fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 12 }).map((rows) => [['id', 'at', 'name'], ...rows].map((r) => r.join(',')).join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));
  const ndjson = fc.array(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ id: fc.jsonValue(), at: fc.jsonValue(), x: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)), fc.string()), { maxLength: 12 }).map((l) => l.join('\n'));
  const body = fc.oneof(csv, ndjson, fc.string(), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')));
  const query = fc.oneof(
    fc.constant(''),
    fc.record({ format: fc.oneof(fc.constantFrom('csv', 'ndjson'), fc.string()), dryRun: fc.oneof(fc.constantFrom('true', 'false'), fc.string()) }, { requiredKeys: [] }).map((q) => new URLSearchParams(q).toString()),
    fc.string(),
  );

  it('imports answer 200 or a 4xx with the error model', async () => {
    await fc.assert(
      fc.asyncProperty(body, query, fc.constantFrom('file', 'ndjson'), async (b, q, which) => {
        const res = await handler(event('POST', `/api/integrations/${which === 'file' ? fileId : ndjsonId}/import`, stack.apiKey, q, Buffer.from(b, 'latin1')));
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(JSON.parse(res.body!).error.code).toEqual(expect.any(String));
      }),
      { numRuns: 150 },
    );
  });

  it('exports answer 200 or a 4xx for any query string', async () => {
    const exportQuery = fc.oneof(
      fc.string(),
      fc.record({ dataType: fc.oneof(fc.constant('records'), fc.string()), format: fc.oneof(fc.constantFrom('csv', 'ndjson'), fc.string()), modifiedAfter: fc.oneof(fc.constant('2026-11-01'), fc.string()), includeDeleted: fc.string(), cursor: fc.string() }, { requiredKeys: [] }).map((q) => new URLSearchParams(q).toString()),
    );
    await fc.assert(
      fc.asyncProperty(exportQuery, async (q) => {
        const res = await handler(event('GET', `/api/integrations/${fileId}/export`, stack.apiKey, q));
        expect(res.statusCode).toBeLessThan(500);
        if (res.stream) for await (const chunk of res.stream) void chunk;
      }),
      { numRuns: 150 },
    );
  });
});
