import { connect } from 'node:net';
import { localWebhooks } from '../../shared/local/webhooks';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';

const cursorOf = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A raw request line, for what an HTTP client library would refuse to send. */
function rawRequest(url: string, line: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${line}\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Issue 8 items 6 and 8: hostile input gets a 4xx, never a 5xx, and the stack keeps answering. */
describe('Hostile input at the API edge', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let id: string;
  const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const stream = { name: 'items', path: '/items', recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } };

  beforeAll(async () => {
    stack = await startTestStack({ port: 0, ...localWebhooks() });
    call = api(stack.url!, stack.apiKey);
    const created = await call('POST', '/api/integrations', { name: 'edge', type: 'custom_api', status: 'inactive', config: { baseUrl: 'http://127.0.0.1:9', streams: [stream] } });
    id = created.body.id;
  });
  afterAll(() => stack.close());

  it.each([2_000, 5_000])('a config nested %i deep is a 400 json_too_deep, and the stack still answers', async (n) => {
    const body = `{"name":"deep","type":"custom_api","config":{"baseUrl":"http://127.0.0.1:9","streams":[{"name":"s","path":"/s","recordsPath":"items","idPath":"id","pagination":{"kind":"none"},"body":${deep(n)}}]}}`;
    const r = await call('POST', '/api/integrations', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('json_too_deep');
    const patch = await call('PATCH', `/api/integrations/${id}`, `{"config":{"streams":[{"body":${deep(n)}}]}}`);
    expect(patch.status).toBe(400);
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(200);
  });

  it('accepts JSON nested up to the limit', async () => {
    const r = await call('POST', '/api/integrations', { name: 'ok', type: 'custom_api', status: 'inactive', config: { baseUrl: 'http://127.0.0.1:9', streams: [{ ...stream, body: JSON.parse(deep(15)) }] } });
    expect(r.status).toBe(201);
  });

  it('answers path ids longer than a store key with 404, with and without an API key', async () => {
    const long = 'a'.repeat(1_013);
    for (const path of [`/api/integrations/${long}`, `/api/integrations/${long}/runs`, `/api/integrations/${id}/runs/${long}`]) expect((await call('GET', path)).status).toBe(404);
    const hook = await api(stack.url!)('POST', `/webhooks/twilio/${'b'.repeat(2_041)}`, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(hook.status).toBe(404);
  });

  it('refuses forged cursors on every listing (right partition, foreign sort key, extra attributes) with a 400', async () => {
    await call('POST', `/api/integrations/${id}/sync`);
    await call('POST', `/api/integrations/${id}/sync`);
    const forged = [
      cursorOf({ PK: `TENANT#${stack.tenantId}`, SK: 'ZZZ#elsewhere' }),
      cursorOf({ PK: `INTEGRATION#${id}`, SK: 'STATE#items', extra: 'x' }),
      cursorOf({ PK: `REC#${id}`, SK: 'other#1', GSI1PK: 'x' }),
      cursorOf({ PK: `EVENTLOG#${id}`, SK: '0' }),
      cursorOf({ PK: `TENANT#${stack.tenantId}`, SK: 'FLOW#zzz' }),
    ];
    const listings = ['/api/integrations?', `/api/integrations/${id}/runs?`, `/api/integrations/${id}/data?dataType=items&`, `/api/integrations/${id}/events?`, '/api/flows?'];
    for (const path of listings) {
      for (const c of forged) {
        const r = await call('GET', `${path}cursor=${c}`);
        expect([path, r.status, r.body.error?.code]).toEqual([path, 400, 'validation_error']);
      }
    }
  });

  it('a real cursor pages through, but not for another listing', async () => {
    const first = await call('GET', `/api/integrations/${id}/runs?limit=1`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call('GET', `/api/integrations/${id}/runs?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.runs[0].id).not.toBe(first.body.runs[0].id);
    const elsewhere = await call('GET', `/api/integrations/${id}/data?dataType=items&cursor=${first.body.nextCursor}`);
    expect(elsewhere.status).toBe(400);
  });

  it('answers a malformed request line with a 4xx', async () => {
    const res = await rawRequest(stack.url!, 'GET //[ HTTP/1.1');
    expect(res).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect((await call('GET', '/api/integrations')).status).toBe(200);
  });
});
