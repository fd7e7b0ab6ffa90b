import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { promisify } from 'node:util';
import { compileErrors, validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as z from 'zod';
import { timestampedSignature } from '../../shared/crypto/timestamped';
import { API_ERRORS, AppError, NotFoundError } from '../../shared/errors';
import { openApiDocument, publicRoutes } from '../../shared/api/openapi';
import { checkError, checkReply, MAX_PARAM_LENGTH, type Route } from '../../shared/api/router';
import { openApiRoute } from '../../shared/api/openapi-route';
import * as replies from '../../shared/api/replies';
import { jsonResult } from '../../shared/api/middleware';
import { withEnv } from '../auth/helpers';
import { api, type Reply } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { createApiHandler } from '../../shared/api/handler';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { startWebhookStack } from '../webhooks/stack';

type Schema = Record<string, unknown>;
type Response = { description: string; content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> };
type Operation = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Schema }>;
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  security?: unknown[];
  responses: Record<string, Response>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, path, method: m, op })));

describe('GET /api/openapi.json', () => {
  let stack: TestStack;
  let doc: Doc;

  beforeAll(async () => {
    stack = await startWebhookStack();
    // No Authorization header: the contract is public.
    const res = await fetch(`${stack.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(() => stack.close());

  it('is a valid OpenAPI 3.1 document for an independent validator', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('names exactly the routes the router serves, each one answered by a route rather than a 404/405', async () => {
    expect(operations(doc).map((o) => o.key).sort()).toEqual(publicRoutes(stack.app).map((r) => `${r.method} ${r.path}`).sort());
    for (const { key, path, method } of operations(doc)) {
      // Numeric ids: the CDK receiver answers a non-numeric channel as no such route.
      const res = await fetch(stack.url + path.replace(/\{\w+\}/g, '1'), { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: method === 'get' ? undefined : '{}' });
      const body = res.status === 204 ? {} : ((await res.json().catch(() => ({}))) as { error?: { code?: string } });
      expect([key, body.error?.code]).not.toEqual([key, 'route_not_found']);
      expect(res.status).not.toBe(405);
    }
  });

  it('documents the zod schemas the handlers parse: body, query and path parameters', () => {
    const create = doc.paths['/api/integrations'].post;
    expect(create.requestBody!.required).toBe(true);
    expect(create.requestBody!.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'type']));
    for (const [path, method] of [['/api/integrations/{id}', 'patch'], ['/api/integrations/{id}/sync', 'post'], ['/api/flows', 'post'], ['/api/flows/{id}/run', 'post'], ['/api/integrations/{id}/webhook', 'put'], ['/api/notifications/channels', 'post'], ['/api/notifications/summary', 'post']])
      expect([path, method, doc.paths[path][method].requestBody]).toEqual([path, method, expect.anything()]);
    // A body that may be left out (defaults, or every field optional) is not required.
    expect(doc.paths['/api/integrations/{id}/sync'].post.requestBody!.required).toBe(false);
    const data = doc.paths['/api/integrations/{id}/data'].get;
    expect(data.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'query:dataType', 'query:modifiedAfter', 'query:cursor']));
    // Path parameters carry the router's limit (a longer one is a 404).
    for (const { key, op } of operations(doc))
      for (const p of (op.parameters ?? []).filter((x) => x.in === 'path' && x.name !== 'channel')) expect([key, p.name, p.schema.maxLength]).toEqual([key, p.name, MAX_PARAM_LENGTH]);
    expect(doc.paths['/webhooks/cdk/{integrationId}/v1/webhook/event/{channel}'].post.parameters!.find((p) => p.name === 'channel')!.schema.pattern).toBe('^\\d{1,10}$');
  });

  it('pages every list that answers a nextCursor, with limit and cursor in its query', () => {
    const paged = operations(doc).filter(({ op }) => JSON.stringify(op.responses['200']?.content?.['application/json']?.schema ?? {}).includes('"nextCursor"'));
    expect(paged.map((o) => o.key)).toEqual(expect.arrayContaining(['GET /api/integrations', 'GET /api/integrations/{id}/runs', 'GET /api/integrations/{id}/data', 'GET /api/flows', 'GET /api/flows/{id}/runs', 'GET /api/flows/{id}/deliveries', 'GET /api/integrations/{id}/events']));
    for (const { key, op } of paged) {
      const q = (op.parameters ?? []).filter((p) => p.in === 'query');
      expect([key, q.find((p) => p.name === 'limit')?.schema]).toEqual([key, expect.objectContaining({ type: 'integer', minimum: 1, maximum: expect.any(Number) })]);
      expect([key, q.find((p) => p.name === 'cursor')?.schema]).toEqual([key, expect.objectContaining({ type: 'string', maxLength: expect.any(Number) })]);
    }
  });

  it('gives every operation a unique operationId, success responses with schemas, and its error codes from the one list', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, op } of operations(doc)) {
      const success = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      expect([key, success.length > 0]).toEqual([key, true]);
      // A success answer with a body has its schema; only bodiless ones (204, a webhook's 202) have none.
      for (const [status, r] of success) {
        if (r.content) for (const [type, c] of Object.entries(r.content)) expect([key, status, type, typeof c.schema]).toEqual([key, status, type, 'object']);
        else expect([key, status, r.content]).toEqual([key, status, undefined]);
      }
      const errors = Object.entries(op.responses).filter(([s]) => /^4\d\d$/.test(s));
      for (const [status, r] of errors) {
        const codes = (r.content!['application/json'].schema as { allOf: [unknown, { properties: { error: { properties: { code: { enum: string[] } } } } }] }).allOf[1].properties.error.properties.code.enum;
        for (const code of codes) expect([key, code, API_ERRORS[code as keyof typeof API_ERRORS]]).toEqual([key, code, Number(status)]);
      }
      expect([key, op.responses['5XX']]).toEqual([key, expect.anything()]);
    }
    // The common codes, where they apply.
    const codesOf = (path: string, method: string) => Object.values(doc.paths[path][method].responses).flatMap((r) => JSON.stringify(r).match(/"enum":\[[^\]]*\]/g) ?? []).join();
    expect(codesOf('/api/integrations/{id}', 'patch')).toEqual(expect.stringMatching(/invalid_api_key.*validation_error|validation_error.*invalid_api_key/));
    for (const code of ['invalid_json', 'json_too_deep', 'payload_too_large', 'not_found', 'integration_not_found', 'version_conflict', 'invalid_if_match']) expect(codesOf('/api/integrations/{id}', 'patch')).toContain(`"${code}"`);
    expect(codesOf('/webhooks/generic/{integrationId}', 'post')).toContain('"invalid_signature"');
    expect(codesOf('/webhooks/generic/{integrationId}', 'post')).not.toContain('"invalid_api_key"');
  });

  it('documents webhooks with their raw bodies and signature headers, and public routes without security', () => {
    for (const path of ['/webhooks/hubspot/{integrationId}', '/webhooks/twilio/{integrationId}', '/webhooks/cdk/{integrationId}/v1/webhook/event/{channel}', '/webhooks/generic/{integrationId}']) {
      const op = doc.paths[path].post;
      expect([path, op.security]).toEqual([path, []]);
      expect([path, op.requestBody!.required, Object.values(op.requestBody!.content).every((c) => c.schema.type === 'string')]).toEqual([path, true, true]);
      expect([path, op.parameters!.some((p) => p.in === 'header')]).toEqual([path, true]);
    }
    expect(Object.keys(doc.paths['/webhooks/twilio/{integrationId}'].post.requestBody!.content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
    expect(doc.paths['/webhooks/twilio/{integrationId}'].post.parameters!.find((p) => p.in === 'header')!.name).toBe('X-Twilio-Signature');
    expect(Object.keys(doc.paths['/webhooks/twilio/{integrationId}'].post.responses['200'].content!)).toEqual(['text/xml']);
    expect(doc.paths['/api/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/api/integrations/{id}'].get.security).toEqual([{ apiKey: [] }, { signIn: [] }]);
    expect((doc as unknown as { security: unknown }).security).toEqual([{ apiKey: [] }, { signIn: [] }]);
  });

  it('names the reply objects once, in components, and refers to them', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Integration', 'Run', 'Record', 'Metrics', 'Flow', 'FlowRun', 'FlowDelivery', 'WebhookSettings', 'NotificationChannel', 'ApiKey']));
    expect(doc.paths['/api/integrations/{id}'].get.responses['200'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/Integration' });
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('is what `npm run build` writes to its file, and byte for byte what the deployed api function serves from the compressed copy beside it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sb-openapi-')), 'openapi.json');
    await promisify(execFile)('npx', ['tsx', 'scripts/openapi.ts', out], { cwd: join(__dirname, '../..') });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(doc);
    const served = await (await fetch(`${stack.url}/api/openapi.json`)).text();
    const built = JSON.parse(brotliDecompressSync(Buffer.from(JSON.parse(readFileSync(join(dirname(out), 'openapi.br.json'), 'utf8')) as string, 'base64')).toString('utf8')) as object;
    const [route] = openApiRoute(() => built);
    expect(jsonResult(200, (await route.handle({} as never)).body).body).toBe(served);
  });

  it("serves a built document with the stage's sign-in provider, which the build did not know", async () => {
    const restore = withEnv({ OIDC_ISSUER: 'https://idp.example.com/pool/', OIDC_AUDIENCE: 'client' });
    try {
      const [route] = openApiRoute(() => structuredClone(doc));
      const served = (await route.handle({} as never)).body as Doc & { components: { securitySchemes: Record<string, unknown> } };
      expect(served.components.securitySchemes.signIn).toEqual(expect.objectContaining({ type: 'openIdConnect', openIdConnectUrl: 'https://idp.example.com/pool/.well-known/openid-configuration' }));
      expect(Object.keys(served.components.securitySchemes)).toEqual(['apiKey', 'signIn']);
    } finally {
      restore();
    }
  });

  it('gives each operation its own operationId, and the validator catches a templated path parameter left undeclared', async () => {
    const handle: Route['handle'] = async () => ({ status: 204 });
    const broken = openApiDocument([
      { method: 'GET', path: '/api/a/{id}', auth: true, responses: { 204: { description: 'Done' } }, handle },
      { method: 'GET', path: '/api/b/{id}', auth: true, responses: { 204: { description: 'Done' } }, handle },
    ]) as Doc;
    // Same operationId twice: the generator must derive distinct ones from distinct paths.
    expect((await validate(structuredClone(broken) as never)).valid).toBe(true);
    broken.paths['/api/a/{id}'].get.parameters = [];
    expect((await validate(structuredClone(broken) as never)).valid).toBe(false);
  });

  describe('real replies of a running stack, against the documented response schemas (ajv)', () => {
    let sandbox: HubspotSandbox;
    let ajv: Ajv2020;
    const sampled = new Set<string>();
    const TOKEN = 'pat-na1-openapi-0000-0000-000000000001';

    beforeAll(async () => {
      sandbox = await startHubspotSandbox({ token: TOKEN, contacts: 30, companies: 3, deals: 3, rateLimit: false });
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(doc as never, 'openapi');
    });
    afterAll(() => sandbox.close());

    const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

    /** Calls `template` with `params` filled in and validates the reply against the operation's documented response. */
    async function call(method: string, template: string, opts: { params?: Record<string, string>; query?: string; body?: unknown; headers?: Record<string, string>; key?: string | null } = {}): Promise<Reply> {
      const path = template.replace(/\{(\w+)\}/g, (_m, n: string) => encodeURIComponent(opts.params![n]));
      const res = await api(stack.url!, opts.key === null ? undefined : (opts.key ?? stack.apiKey))(method, path + (opts.query ? `?${opts.query}` : ''), opts.body, opts.headers);
      const key = `${method} ${template}`;
      const op = doc.paths[template]?.[method.toLowerCase()];
      expect([key, op === undefined]).toEqual([key, false]);
      const documented = op.responses[String(res.status)];
      expect([key, res.status, documented === undefined ? res.text : 'documented']).toEqual([key, res.status, 'documented']);
      for (const h of Object.keys(documented.headers ?? {})) expect([key, h, res.headers[h] !== undefined]).toEqual([key, h, true]);
      const json = documented.content?.['application/json'];
      if (!json) expect([key, res.status, documented.content ? 'raw' : res.text]).toEqual([key, res.status, documented.content ? 'raw' : '']);
      else {
        const check = ajv.getSchema(`openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(res.status), 'content', 'application/json', 'schema')}`)!;
        const ok = check(res.body);
        expect([key, res.status, ok ? [] : check.errors]).toEqual([key, res.status, []]);
      }
      if (res.status < 300) sampled.add(key);
      return res;
    }

    it('integrations CRUD, connection test, sync, runs, data, metrics and their errors', async () => {
      await call('GET', '/api/integrations/templates');
      const created = await call('POST', '/api/integrations', { body: { name: 'Contract', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: TOKEN } } });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const p = { id };
      await call('GET', '/api/integrations', { query: 'limit=5' });
      expect((await call('POST', '/api/integrations/{id}/test', { params: p })).body.ok).toBe(true);
      const got = await call('GET', '/api/integrations/{id}', { params: p });
      const patched = await call('PATCH', '/api/integrations/{id}', { params: p, body: { name: 'Contract 2' }, headers: { 'if-match': got.headers.etag } });
      expect(patched.status).toBe(200);
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: { name: 'x' }, headers: { 'if-match': got.headers.etag } })).body.error.code).toBe('version_conflict');
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: { name: 'x' }, headers: { 'if-match': 'soon' } })).body.error.code).toBe('invalid_if_match');
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: { syncInterval: 0 } })).body.error.code).toBe('validation_error');
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: '{"name":' })).body.error.code).toBe('invalid_json');
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: '['.repeat(30) + ']'.repeat(30) })).body.error.code).toBe('json_too_deep');
      expect((await call('PATCH', '/api/integrations/{id}', { params: p, body: { name: 'x'.repeat(300 * 1024) } })).status).toBe(413);
      expect((await call('GET', '/api/integrations/{id}', { params: { id: 'x'.repeat(MAX_PARAM_LENGTH + 1) } })).body.error.code).toBe('not_found');
      expect((await call('GET', '/api/integrations/{id}', { params: { id: '01NOSUCHINTEGRATION' } })).body.error.code).toBe('integration_not_found');
      expect((await call('GET', '/api/integrations/{id}', { params: p, key: 'sb_not-a-key-at-all' })).body.error.code).toBe('invalid_api_key');
      expect((await call('POST', '/api/integrations', { body: { name: 'x', type: 'nope' } })).body.error.code).toBe('unknown_integration_type');

      const sync = await call('POST', '/api/integrations/{id}/sync', { params: p, body: { mode: 'full' } });
      expect(sync.status).toBe(202);
      await stack.queues.drain();
      await call('GET', '/api/integrations/{id}/runs', { params: p });
      expect((await call('GET', '/api/integrations/{id}/runs/{runId}', { params: { id, runId: sync.body.runId } })).body.status).toBe('succeeded');
      expect((await call('GET', '/api/integrations/{id}/runs/{runId}', { params: { id, runId: '01NOSUCHRUN' } })).body.error.code).toBe('run_not_found');
      const data = await call('GET', '/api/integrations/{id}/data', { params: p, query: 'dataType=contacts&limit=10' });
      expect(data.body.data).toHaveLength(10);
      await call('GET', '/api/integrations/{id}/data', { params: p, query: `dataType=contacts&limit=10&cursor=${encodeURIComponent(data.body.nextCursor)}` });
      expect((await call('GET', '/api/integrations/{id}/data', { params: p, query: 'limit=0' })).body.error.code).toBe('validation_error');
      const day = new Date().toISOString().slice(0, 10);
      expect((await call('GET', '/api/integrations/{id}/metrics', { params: p, query: `startDate=${day}&endDate=${day}` })).body.totals.recordsCreated).toBeGreaterThan(0);

      // Flows: a dry run from the synced contacts to the same HubSpot.
      const flow = await call('POST', '/api/flows', { body: { name: 'Contract flow', source: { integrationId: id, dataType: 'contacts' }, target: { integrationId: id, object: 'contacts' }, mapping: { email: '${email}' }, match: ['email'] } });
      expect(flow.status).toBe(201);
      const f = { id: flow.body.id as string };
      await call('GET', '/api/flows/templates');
      await call('GET', '/api/flows');
      await call('GET', '/api/flows/{id}', { params: f });
      await call('PATCH', '/api/flows/{id}', { params: f, body: { name: 'Contract flow 2' } });
      const run = await call('POST', '/api/flows/{id}/run', { params: f, body: { dryRun: true, maxRecords: 5 } });
      expect(run.status).toBe(202);
      await stack.queues.drain();
      await call('GET', '/api/flows/{id}/runs', { params: f });
      expect((await call('GET', '/api/flows/{id}/runs/{runId}', { params: { ...f, runId: run.body.runId } })).body.dryRun).toBe(true);
      await call('GET', '/api/flows/{id}/deliveries', { params: f });
      await call('GET', '/api/flows/{id}/assignments', { params: f });
      expect((await call('GET', '/api/flows/{id}', { params: { id: '01NOSUCHFLOW' } })).body.error.code).toBe('flow_not_found');
      expect((await call('DELETE', '/api/flows/{id}', { params: f })).status).toBe(204);

      // A generic webhook: our generated secret, a signed raw body, the event log.
      const hook = await call('POST', '/api/integrations', { body: { name: 'Hook', type: 'custom_api', status: 'inactive', config: { baseUrl: sandbox.url, method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id', pagination: { kind: 'none' } }] } } });
      const h = { id: hook.body.id as string };
      const settings = await call('PUT', '/api/integrations/{id}/webhook', { params: h, body: { dataType: 'events' } });
      expect(settings.body.secret).toEqual(expect.any(String));
      await call('GET', '/api/integrations/{id}/webhook', { params: h });
      const body = JSON.stringify({ id: 'e1', kind: 'ping' });
      const ts = String(Math.floor(Date.now() / 1000));
      const signed = { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': timestampedSignature(settings.body.secret, ts, body) };
      expect((await call('POST', '/webhooks/generic/{integrationId}', { params: { integrationId: h.id }, body, headers: signed, key: null })).status).toBe(202);
      expect((await call('POST', '/webhooks/generic/{integrationId}', { params: { integrationId: h.id }, body, headers: { ...signed, 'x-signature': 'bad' }, key: null })).body.error.code).toBe('invalid_signature');
      expect((await call('GET', '/api/integrations/{id}/events', { params: h })).body.events.length).toBeGreaterThan(0);
      expect((await call('GET', '/api/integrations/{id}/webhook', { params: p })).status).toBe(200);

      // Notifications.
      const channel = await call('POST', '/api/notifications/channels', { body: { kind: 'webhook', url: `${sandbox.url}/hook`, events: ['run.failed'] } });
      expect(channel.status).toBe(201);
      await call('GET', '/api/notifications/channels');
      await call('GET', '/api/notifications/deliveries');
      expect((await call('DELETE', '/api/notifications/channels/{id}', { params: { id: channel.body.id } })).status).toBe(204);
      expect((await call('DELETE', '/api/notifications/channels/{id}', { params: { id: channel.body.id } })).body.error.code).toBe('channel_not_found');
      expect((await call('POST', '/api/notifications/summary', { body: {} })).status).toBe(202);
      await call('GET', '/api/openapi.json', { key: null });

      // API keys and the caller.
      const key = await call('POST', '/api/keys', { body: { name: 'contract' } });
      expect(key.status).toBe(201);
      expect((await call('GET', '/api/auth/me', { key: key.body.key })).body.via).toBe('api_key');
      await call('GET', '/api/keys');
      expect((await call('DELETE', '/api/keys/{id}', { params: { id: key.body.id } })).status).toBe(204);
      expect((await call('DELETE', '/api/keys/{id}', { params: { id: key.body.id } })).body.error.code).toBe('api_key_not_found');

      expect((await call('DELETE', '/api/integrations/{id}', { params: h })).status).toBe(204);
      // The same validators refuse a drifted reply: a field the contract does not name, a value outside it, an undocumented code.
      const schemaAt = (status: string) => ajv.getSchema(`openapi#/${pointer('paths', '/api/integrations/{id}', 'get', 'responses', status, 'content', 'application/json', 'schema')}`)!;
      expect(schemaAt('200')(got.body)).toBe(true);
      expect(schemaAt('200')({ ...got.body, tenantId: stack.tenantId })).toBe(false);
      expect(schemaAt('200')({ ...got.body, status: 'paused' })).toBe(false);
      expect(schemaAt('404')({ error: { code: 'integration_not_found', message: 'gone' } })).toBe(true);
      expect(schemaAt('404')({ error: { code: 'flow_not_found', message: 'gone' } })).toBe(false);
      expect(stack.logs.filter((l) => /(reply|error)_not_in_contract/.test(l))).toEqual([]);
      expect([...sampled].sort()).toEqual(
        expect.arrayContaining([
          'POST /api/integrations',
          'GET /api/integrations',
          'GET /api/integrations/{id}',
          'PATCH /api/integrations/{id}',
          'DELETE /api/integrations/{id}',
          'POST /api/integrations/{id}/test',
          'POST /api/integrations/{id}/sync',
          'GET /api/integrations/{id}/runs',
          'GET /api/integrations/{id}/runs/{runId}',
          'GET /api/integrations/{id}/data',
          'GET /api/integrations/{id}/metrics',
          'POST /api/flows',
          'GET /api/flows/{id}',
          'POST /api/flows/{id}/run',
          'GET /api/flows/{id}/runs/{runId}',
          'GET /api/flows/{id}/deliveries',
        ]),
      );
    });
  });
});

describe('checkError: a client error outside its declared codes', () => {
  const route: Route = { method: 'GET', path: '/api/x/{id}', auth: true, responses: { 204: { description: 'x' } }, errors: ['run_not_found'], handle: async () => ({ status: 204 }) };
  const code = (err: unknown) => {
    try {
      checkError(route, err);
      return '';
    } catch (e) {
      return (e as AppError).code;
    }
  };

  it('passes a declared or implied code at its status, and makes anything else a 500', () => {
    expect(code(new NotFoundError('run', 'run_not_found'))).toBe('');
    expect(code(new NotFoundError())).toBe('');
    expect(code(new AppError('invalid_api_key', 'no', 401))).toBe('');
    expect(code(new NotFoundError('flow', 'flow_not_found'))).toBe('error_not_in_contract');
    expect(code(new AppError('run_not_found', 'a 404 code at another status', 410))).toBe('error_not_in_contract');
    expect(code(new AppError('brand_new_code', 'not in API_ERRORS', 400))).toBe('error_not_in_contract');
    // A GET takes no role check and no body schema: those codes are not implied.
    expect(code(new AppError('read_only_role', 'no', 403))).toBe('error_not_in_contract');
    expect(code(new AppError('validation_error', 'no', 400))).toBe('error_not_in_contract');
    // Our own failures are not the contract's business.
    expect(code(new Error('boom'))).toBe('');
    expect(code(new AppError('internal', 'boom', 500))).toBe('');
  });
});

describe('checkReply: a reply outside its declared contract', () => {
  const route: Route = {
    method: 'GET',
    path: '/api/x/{id}',
    auth: true,
    responses: { 200: { description: 'x', body: () => z.strictObject({ id: z.string(), n: z.number().int() }), headers: { etag: 'version' } }, 204: { description: 'none' } },
    handle: async () => ({ status: 204 }),
  };
  const fails = (reply: Parameters<typeof checkReply>[1]) => {
    try {
      checkReply(route, reply, replies);
      return '';
    } catch (err) {
      return (err as { code: string; statusCode: number; message: string }).code + ' ' + (err as Error).message;
    }
  };

  it('is a 500 naming what drifted: an undeclared status, field or type, a missing header, a body where none is declared', () => {
    expect(fails({ status: 200, body: { id: 'a', n: 1 }, headers: { etag: '"1"' } })).toBe('');
    expect(fails({ status: 204 })).toBe('');
    expect(fails({ status: 201, body: { id: 'a', n: 1 } })).toMatch(/^reply_not_in_contract .*status 201 is not one of 200, 204/);
    expect(fails({ status: 200, body: { id: 'a', n: 1, tenantId: 't' }, headers: { etag: '"1"' } })).toMatch(/tenantId/);
    expect(fails({ status: 200, body: { id: 'a', n: 1.5 }, headers: { etag: '"1"' } })).toMatch(/n: /);
    expect(fails({ status: 200, body: { id: 'a', n: 1 } })).toMatch(/header etag missing/);
    expect(fails({ status: 204, body: { id: 'a' } })).toMatch(/a body is not declared/);
    // Checked as it goes out: a field JSON drops (undefined) is missing.
    expect(fails({ status: 200, body: { id: 'a', n: undefined }, headers: { etag: '"1"' } })).toMatch(/n: /);
  });

  it('is checked by the local stack, which hands the router the reply schemas; a deployed function has none to check with', async () => {
    const drifting: Route = { ...route, auth: false, handle: async () => ({ status: 200, body: { id: 'a', n: 1, secret: 'x' }, headers: { etag: '"1"' } }) };
    const stack = await startTestStack({ port: 0, extraRoutes: () => [drifting] });
    try {
      const res = await fetch(`${stack.url}/api/x/1`);
      expect(res.status).toBe(500);
      expect(stack.logs.filter((l) => l.includes('reply_not_in_contract') && l.includes('secret'))).toHaveLength(1);
    } finally {
      await stack.close();
    }
    const deployed = createApiHandler(() => stack.app, () => [drifting]);
    const event = { version: '2.0', routeKey: '$default', rawPath: '/api/x/1', rawQueryString: '', headers: {}, isBase64Encoded: false, requestContext: { http: { method: 'GET', path: '/api/x/1' }, requestId: 'r', timeEpoch: Date.now() } };
    expect((await deployed(event as never)).statusCode).toBe(200);
  });
});
