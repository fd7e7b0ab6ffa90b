import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectors } from '../../shared/connectors/all';
import { cdk } from '../../shared/connectors/cdk';
import { cdkSpec } from '../../shared/connectors/cdk/spec';
import { twilio } from '../../shared/connectors/twilio';
import { twilioSpec } from '../../shared/connectors/twilio/spec';
import type { ConnectorSpec } from '../../shared/connectors/types';
import { localWebhooks } from '../../shared/local/webhooks';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * The test stack over HTTP with the webhook and notification routes and the event applier. Twilio and CDK
 * are added to the stack's connectors and specs here until the registry (specs.ts / all.ts) lists them.
 */
export async function startWebhookStack(): Promise<TestStack> {
  const extra = [twilio, cdk].filter((c) => !connectors.some((x) => x.type === c.type));
  const stack = await startTestStack({ port: 0, ...localWebhooks(), connectors: [...connectors, ...extra] });
  for (const s of [twilioSpec, cdkSpec] as ConnectorSpec[]) if (!stack.app.specs.has(s.type)) stack.app.specs.set(s.type, s);
  return stack;
}

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

/** One API call with the tenant's key. */
export async function api(stack: TestStack, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(stack.url + path, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

/** A raw POST to a public webhook URL (no API key), body sent byte for byte. */
export async function post(stack: TestStack, path: string, body: Buffer | string, headers: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(stack.url + path, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

export async function createIntegration(stack: TestStack, type: string, config: Record<string, unknown>, name = `${type} test`): Promise<string> {
  const r = await api(stack, 'POST', '/api/integrations', { name, type, config, status: 'inactive' });
  if (r.status !== 201) throw new Error(`create ${type}: ${r.status} ${r.text}`);
  return r.body.id as string;
}

/** Every record of an integration (deleted ones included), by data type and id. */
export async function records(stack: TestStack, id: string, dataType?: string): Promise<Array<Record<string, any>>> {
  const q = new URLSearchParams({ includeDeleted: 'true', limit: '1000', ...(dataType ? { dataType } : {}) });
  const r = await api(stack, 'GET', `/api/integrations/${id}/data?${q}`);
  return r.body.data;
}

export async function events(stack: TestStack, id: string): Promise<Array<Record<string, any>>> {
  return (await api(stack, 'GET', `/api/integrations/${id}/events?limit=100`)).body.events;
}

/** Totals of a connector queue: waiting, dead-lettered. */
export function queueState(stack: TestStack, type: string) {
  const q = stack.queues.queue(type);
  return { depth: q.depth, dead: q.deadLetters.length };
}

/**
 * The HubSpot sandbox does not serve `GET /crm/v3/objects/{type}/{id}` (the applier's fetch by id). This proxy
 * answers it through the sandbox's own search (`hs_object_id EQ id`), so auth, injected failures and 429s still
 * come from the sandbox; everything else is passed through. A 404 has HubSpot's OBJECT_NOT_FOUND body.
 */
export async function startByIdProxy(target: string): Promise<{ url: string; byId: number; close(): Promise<void> }> {
  let byId = 0;
  const forward = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(target + path, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const m = req.method === 'GET' ? url.pathname.match(/^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/) : null;
    try {
      if (m) {
        byId++;
        const props = url.searchParams.get('properties')?.split(',').filter(Boolean);
        const body = Buffer.from(JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: decodeURIComponent(m[2]) }] }], properties: props, limit: 1 }));
        const r = await forward('POST', `/crm/v3/objects/${m[1]}/search`, { ...headers, 'content-type': 'application/json' }, body);
        if (r.status !== 200) return res.writeHead(r.status, r.headers).end(r.body);
        const found = JSON.parse(r.body.toString('utf8')).results[0];
        if (!found) return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' }));
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
      }
      const r = await forward(req.method ?? 'GET', url.pathname + url.search, headers, chunks.length ? Buffer.concat(chunks) : undefined);
      delete r.headers['transfer-encoding'];
      res.writeHead(r.status, r.headers).end(r.body);
    } catch (err) {
      res.writeHead(502).end(String((err as Error).message));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get byId() {
      return byId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
