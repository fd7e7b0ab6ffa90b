import { compileErrors, validate } from '@readme/openapi-parser';
import { openApiDocument, publicRoutes } from '../../shared/api/openapi';
import type { Route } from '../../shared/api/router';
import type { TestStack } from '../helpers/stack';
import { startWebhookStack } from '../webhooks/stack';

type Doc = { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; security?: unknown }>> };
const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();

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
    expect(operations(doc)).toEqual(publicRoutes(stack.app).map((r) => `${r.method} ${r.path}`).sort());
    for (const op of operations(doc)) {
      const [method, template] = op.split(' ');
      // Numeric ids: the CDK receiver answers a non-numeric channel as no such route.
      const res = await fetch(stack.url + template.replace(/\{\w+\}/g, '1'), { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      const body = res.status === 204 ? {} : ((await res.json().catch(() => ({}))) as { error?: { code?: string } });
      expect([op, body.error?.code]).not.toEqual([op, 'route_not_found']);
      expect(res.status).not.toBe(405);
    }
  });

  it('documents the zod schemas the handlers parse: body, query and path parameters', () => {
    const create = doc.paths['/api/integrations'].post as { requestBody: { content: { 'application/json': { schema: { required: string[] } } } } };
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'type']));
    for (const [path, method] of [['/api/integrations/{id}', 'patch'], ['/api/integrations/{id}/sync', 'post'], ['/api/flows', 'post'], ['/api/flows/{id}/run', 'post'], ['/api/integrations/{id}/webhook', 'put'], ['/api/notifications/channels', 'post'], ['/api/notifications/summary', 'post']])
      expect([path, method, doc.paths[path][method].requestBody]).toEqual([path, method, expect.anything()]);
    const data = doc.paths['/api/integrations/{id}/data'].get;
    expect(data.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'query:dataType', 'query:modifiedAfter', 'query:cursor']));
    expect(doc.paths['/api/integrations/{id}'].get.security).toEqual([{ apiKey: [] }, { signIn: [] }]);
    expect(doc.paths['/api/openapi.json'].get.security).toBeUndefined();
  });

  it('gives each operation its own operationId, and the validator catches a templated path parameter left undeclared', async () => {
    const handle: Route['handle'] = async () => ({ status: 204 });
    const broken = openApiDocument([
      { method: 'GET', path: '/api/a/{id}', auth: true, handle },
      { method: 'GET', path: '/api/b/{id}', auth: true, handle },
    ]) as Doc;
    // Same operationId twice: the generator must derive distinct ones from distinct paths.
    expect((await validate(structuredClone(broken) as never)).valid).toBe(true);
    broken.paths['/api/a/{id}'].get.parameters = [];
    expect((await validate(structuredClone(broken) as never)).valid).toBe(false);
  });
});
