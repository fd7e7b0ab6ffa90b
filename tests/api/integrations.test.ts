import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';

describe('Integrations API (seed 000) over the local HTTP stack', () => {
  let stack: TestStack;
  let sandbox: HubspotSandbox;
  let call: ReturnType<typeof api>;
  let dataDir: string;
  const SECRET = 'pat-na1-SECRET-5e1f-4a2b-9c3d-000000000042';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-api-'));
    stack = await startTestStack({ port: 0, dataDir });
    sandbox = await startHubspotSandbox({ token: SECRET, contacts: 120, companies: 5, deals: 5, rateLimit: false });
    call = api(stack.url!, stack.apiKey);
  });
  afterAll(async () => {
    await stack.close();
    await sandbox.close();
  });

  it('runs a whole CRUD cycle with sealed secrets, and no secret ever reaches a response, a log line or the data folder', async () => {
    const created = await call('POST', '/api/integrations', { name: 'My HubSpot', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: SECRET } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'My HubSpot', type: 'hubspot', status: 'active', syncInterval: 60, lastSync: null, errorMessage: null });
    expect(created.body.config.accessToken).toBe('***');
    expect(created.body.config.baseUrl).toBe(sandbox.url);
    const id = created.body.id as string;

    const list = await call('GET', '/api/integrations?limit=10');
    expect(list.status).toBe(200);
    expect(list.body.integrations.map((i: { id: string }) => i.id)).toContain(id);

    const tested = await call('POST', `/api/integrations/${id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: true });
    expect(typeof tested.body.latencyMs).toBe('number');

    // PATCH without the secret (and with "***") keeps it: the connection test still passes.
    const etag = (await call('GET', `/api/integrations/${id}`)).headers.etag;
    const patched = await call('PATCH', `/api/integrations/${id}`, { name: 'Renamed', config: { accessToken: '***' }, syncInterval: 15 }, { 'if-match': etag });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', syncInterval: 15, version: Number(etag.replace(/"/g, '')) + 1 });
    expect((await call('POST', `/api/integrations/${id}/test`)).body.ok).toBe(true);
    // A stale If-Match is a conflict.
    const stale = await call('PATCH', `/api/integrations/${id}`, { name: 'x' }, { 'if-match': etag });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');

    const sync = await call('POST', `/api/integrations/${id}/sync`, { mode: 'full' });
    expect(sync.status).toBe(202);
    await stack.queues.drain();
    const run = await call('GET', `/api/integrations/${id}/runs/${sync.body.runId}`);
    expect(run.body).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(run.body.stats.created).toBe(130);
    const runs = await call('GET', `/api/integrations/${id}/runs`);
    expect(runs.body.runs[0].id).toBe(sync.body.runId);

    const data = await call('GET', `/api/integrations/${id}/data?dataType=contacts&limit=50`);
    expect(data.status).toBe(200);
    expect(data.body.data).toHaveLength(50);
    expect(data.body.data[0]).toMatchObject({ integrationId: id, dataType: 'contacts', syncStatus: 'synced' });
    expect(data.body.nextCursor).toBeTruthy();
    const next = await call('GET', `/api/integrations/${id}/data?dataType=contacts&limit=50&cursor=${data.body.nextCursor}`);
    expect(next.body.data[0].externalId).not.toBe(data.body.data[0].externalId);

    const today = new Date().toISOString().slice(0, 10);
    const metrics = await call('GET', `/api/integrations/${id}/metrics?startDate=${today}&endDate=${today}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.totals).toMatchObject({ runs: 1, recordsCreated: 130 });

    const del = await call('DELETE', `/api/integrations/${id}`);
    expect(del.status).toBe(204);
    expect((await call('GET', `/api/integrations/${id}`)).status).toBe(404);
    expect(await stack.app.records.count(id)).toBe(0);

    const everything = stack.logs.join('\n');
    expect(everything).not.toContain(SECRET);
    expect(JSON.stringify([created.body, list.body, patched.body, run.body, runs.body])).not.toContain(SECRET);
    // The store persists under the data folder: the token is sealed there, never in the clear.
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(dataDir);
    for (const f of files) expect(readFileSync(f).includes(Buffer.from(SECRET))).toBe(false);
  });

  it('answers a connection failure with the seed message and puts the integration in error', async () => {
    const created = await call('POST', '/api/integrations', { name: 'bad', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: 'pat-wrong-token-000' } });
    const tested = await call('POST', `/api/integrations/${created.body.id}/test`);
    expect(tested.body.ok).toBe(false);
    expect(tested.body.message).toMatch(/Authentication Failed/);
    const after = await call('GET', `/api/integrations/${created.body.id}`);
    expect(after.body).toMatchObject({ status: 'error' });
    expect(after.body.errorMessage).toMatch(/Authentication Failed/);
  });

  it('keeps tenants apart: another tenant sees 404, never 403, and an unknown key is 401', async () => {
    const created = await call('POST', '/api/integrations', { name: 'mine', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: SECRET } });
    const other = await stack.app.tenants.createTenant('other');
    const theirs = api(stack.url!, other.apiKey);
    for (const [m, p] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/test'],
      ['POST', '/sync'],
      ['GET', '/runs'],
      ['GET', '/data'],
    ] as const) {
      const r = await theirs(m, `/api/integrations/${created.body.id}${p}`, m === 'PATCH' ? { name: 'stolen' } : undefined);
      expect([m, p, r.status]).toEqual([m, p, 404]);
    }
    expect((await theirs('GET', '/api/integrations')).body.integrations).toEqual([]);
    const bad = await api(stack.url!, 'sb_not-a-real-key-at-all')('GET', '/api/integrations');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_api_key');
    expect((await api(stack.url!)('GET', '/api/integrations')).status).toBe(401);
  });

  it('speaks one error model for client mistakes', async () => {
    const unknownRoute = await call('GET', '/api/nope');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBe('route_not_found');

    const badJson = await call('POST', '/api/integrations', '{"name": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');

    const schema = await call('POST', '/api/integrations', { name: '', type: 'hubspot', config: { baseUrl: 'not a url' } });
    expect(schema.status).toBe(400);
    expect(schema.body.error.code).toBe('validation_error');
    const paths = schema.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('name');

    const cfg = await call('POST', '/api/integrations', { name: 'x', type: 'hubspot', config: { baseUrl: 'not a url' } });
    expect(cfg.status).toBe(400);
    expect(cfg.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['config.baseUrl', 'config.accessToken']));

    const type = await call('POST', '/api/integrations', { name: 'x', type: 'nosuch', config: {} });
    expect(type.status).toBe(400);
    expect(type.body.error.code).toBe('unknown_integration_type');
    expect(type.body.error.message).toMatch(/hubspot/);

    const big = await call('POST', '/api/integrations', { name: 'x'.repeat(300 * 1024), type: 'hubspot', config: {} });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');

    const badCursor = await call('GET', '/api/integrations?cursor=garbage');
    expect(badCursor.status).toBe(400);
    const badLimit = await call('GET', '/api/integrations?limit=0');
    expect(badLimit.status).toBe(400);
    const method = await call('PUT', '/api/integrations');
    expect(method.status).toBe(405);
  });

  it('serves the templates catalog from the connector declarations, secrets marked write-only', async () => {
    const r = await call('GET', '/api/integrations/templates');
    expect(r.status).toBe(200);
    const types = r.body.templates.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['custom_api', 'hubspot', 'salesforce', 'zoho', 'database', 'google_sheets', 'salespro']));
    const hub = r.body.templates.find((t: { type: string }) => t.type === 'hubspot');
    expect(hub.configSchema.properties.accessToken).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(hub.dataTypes).toEqual(expect.arrayContaining(['contacts', 'companies', 'deals']));
  });
});
