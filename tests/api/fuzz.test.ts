import fc from 'fast-check';
import { createApiHandler } from '../../shared/api/handler';
import * as replies from '../../shared/api/replies';
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
    handler = createApiHandler(() => stack.app, (a) => [...integrationRoutes(a), ...connectionTestRoutes(a, stack.invoker), ...extra(a)], { replies });
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

  const routes = [
    'POST /api/integrations',
    'PATCH /api/integrations/{id}',
    'POST /api/integrations/{id}/sync',
    'PUT /api/integrations/{id}/webhook',
    'POST /api/notifications/channels',
    'POST /webhooks/generic/{id}',
    'POST /webhooks/hubspot/{id}',
    'POST /webhooks/cdk/{id}/v1/webhook/event/1',
    'POST /webhooks/twilio/{id}',
  ];
  const expectNo5xx = (res: { statusCode: number; body?: string }) => {
    expect(res.statusCode).toBeLessThan(500);
    if (res.statusCode >= 400 && res.body) expect(JSON.parse(res.body).error.code).toMatch(/^[a-z_]+$/);
  };

  /** JSON `n` levels deep, of objects or arrays, around `inner`. */
  const nested = fc.record({ n: fc.integer({ min: 1, max: 6_000 }), arrays: fc.boolean(), inner: fc.jsonValue() }).map(({ n, arrays, inner }) =>
    arrays ? `${'['.repeat(n)}${JSON.stringify(inner)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}${JSON.stringify(inner)}${'}'.repeat(n)}`,
  );

  it('any route answers a body of any depth, alone or as a config, with 2xx or 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(nested, fc.constantFrom(...routes), fc.boolean(), async (deep, route, asConfig) => {
        const [method, path] = route.replace('{id}', id).split(' ');
        const body = asConfig ? `{"name":"d","type":"custom_api","config":{"baseUrl":"http://127.0.0.1:9","streams":[{"name":"s","body":${deep}}]}}` : deep;
        expectNo5xx(await handler(event(method, path, stack.apiKey, body)));
      }),
      { numRuns: 150 },
    );
  });

  /** Keys that a plain object would take from its prototype. */
  const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__');
  const protoJson = fc
    .array(fc.tuple(protoKey, fc.oneof(fc.jsonValue(), fc.dictionary(protoKey, fc.jsonValue()))), { minLength: 1, maxLength: 4 })
    // Built as text: an object literal would turn "__proto__" into a prototype instead of a key.
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`);

  it('prototype keys in bodies, configs and form parameters never make a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(protoJson, fc.constantFrom(...routes), fc.constantFrom('body', 'config', 'form'), async (obj, route, where) => {
        const [method, path] = route.replace('{id}', id).split(' ');
        const parsed = Object.fromEntries(Object.entries(JSON.parse(obj) as object).concat(obj.includes('"__proto__"') ? [['__proto__', 'x']] : []));
        const body =
          where === 'body'
            ? obj
            : where === 'config'
              ? `{"name":"p","type":"custom_api","config":${obj}}`
              : new URLSearchParams(Object.keys(parsed).map((k): [string, string] => [k, String(JSON.stringify(parsed[k]))])).toString();
        const e = event(method, path, stack.apiKey, body);
        if (where === 'form') e.headers!['content-type'] = 'application/x-www-form-urlencoded';
        expectNo5xx(await handler(e));
      }),
      { numRuns: 200 },
    );
  });

  it('ids, cursors and headers of any length or shape never make a 5xx', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cursor = fc.oneof(
      fc.string({ maxLength: 3_000 }),
      fc.dictionary(fc.constantFrom('PK', 'SK', 'GSI1PK', 'GSI1SK', 'x'), fc.oneof(fc.string(), fc.constant(`TENANT#${'t'}`), fc.integer())).map(b64),
      fc.record({ SK: fc.string({ maxLength: 1_200 }) }).map((k) => b64({ PK: `INTEGRATION#${id}`, ...k })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 3_000 }).map((s) => encodeURIComponent(s)),
        cursor,
        fc.string({ maxLength: 3_000 }),
        fc.constantFrom('GET /api/integrations/{x}', 'GET /api/integrations/{id}/runs/{x}', 'POST /webhooks/twilio/{x}', 'POST /webhooks/generic/{x}', 'GET /api/integrations', 'GET /api/integrations/{id}/events', 'GET /api/integrations/{id}/data', 'POST /webhooks/generic/{id}', 'POST /webhooks/cdk/{id}/v1/webhook/event/1'),
        async (x, c, value, route) => {
          const [method, path] = route.replace('{id}', id).replace('{x}', x).split(' ');
          const e = event(method, path, stack.apiKey, method === 'POST' ? '{"a":1}' : undefined, new URLSearchParams({ cursor: c }).toString());
          Object.assign(e.headers!, { 'x-event-id': value, 'fortellis-event-id': value, 'x-signature': value, 'x-timestamp': value, 'if-match': value });
          expectNo5xx(await handler(e));
        },
      ),
      { numRuns: 200 },
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
