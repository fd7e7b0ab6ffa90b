import fc from 'fast-check';
import { createApiHandler } from '../../shared/api/handler';
import { integrationRoutes } from '../../shared/api/routes';
import { connectionTestRoutes } from '../../shared/api/test-route';
import { localWebhooks } from '../../shared/local/webhooks';
import type { HttpEvent } from '../../shared/lambda-types';
import { startTestStack, type TestStack } from '../helpers/stack';

const event = (method: string, path: string, apiKey: string, body?: string, query = ''): HttpEvent => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: query,
  headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
  body,
  isBase64Encoded: false,
  requestContext: { http: { method, path } },
});

describe('Property: no client input makes the API answer 5xx', () => {
  let stack: TestStack;
  let handler: ReturnType<typeof createApiHandler>;
  let id: string;
  beforeAll(async () => {
    stack = await startTestStack();
    const extra = localWebhooks().extraRoutes!;
    handler = createApiHandler(() => stack.app, (a) => [...integrationRoutes(a), ...connectionTestRoutes(a), ...extra(a)]);
    const i = await stack.svc.create(stack.tenantId, {
      name: 'fuzz',
      type: 'custom_api',
      config: { baseUrl: 'http://127.0.0.1:9', method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'items', path: '/items', recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } }] },
    });
    id = i.id;
  });
  afterAll(() => stack.close());

  const json = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.record({ name: fc.jsonValue(), type: fc.oneof(fc.constantFrom('hubspot', 'custom_api', 'database', 'zoho', 'salesforce', 'google_sheets', 'salespro'), fc.string()), config: fc.jsonValue(), syncInterval: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.record({ mode: fc.jsonValue(), dataTypes: fc.jsonValue(), dryRun: fc.jsonValue(), maxRecords: fc.jsonValue(), since: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.string(),
  );

  it('write routes answer 2xx or 4xx with the error model for arbitrary JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        json,
        fc.constantFrom(
          'POST /api/integrations',
          'PATCH /api/integrations/{id}',
          'POST /api/integrations/{id}/sync',
          'PATCH /api/integrations/nope',
          'PUT /api/integrations/{id}/webhook',
          'POST /api/notifications/channels',
          'POST /webhooks/generic/{id}',
          'POST /webhooks/hubspot/{id}',
          'DELETE /api/integrations/nope',
        ),
        async (body, route) => {
        const [method, path] = route.replace('{id}', id).split(' ');
        const res = await handler(event(method, path, stack.apiKey, body));
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(JSON.parse(res.body!).error.code).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('read routes answer 2xx or 4xx for arbitrary query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('limit', 'cursor', 'dataType', 'modifiedAfter', 'startDate', 'endDate', 'x'), fc.string()),
        fc.constantFrom('/api/integrations', `/api/integrations/{id}/data`, `/api/integrations/{id}/runs`, `/api/integrations/{id}/metrics`),
        async (q, path) => {
          const res = await handler(event('GET', path.replace('{id}', id), stack.apiKey, undefined, new URLSearchParams(q).toString()));
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });
});
