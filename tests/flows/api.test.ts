import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';

describe('Flows API', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let sf: string;
  let hs: string;
  let rest: string;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    const mk = async (body: unknown) => (await call('POST', '/api/integrations', body)).body.id as string;
    sf = await mk({ name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'sf-token-1' } });
    hs = await mk({ name: 'HS', type: 'hubspot', config: { baseUrl: 'http://127.0.0.1:9', accessToken: 'pat-na1-0000' } });
    rest = await mk({ name: 'Hook', type: 'custom_api', config: { baseUrl: 'http://127.0.0.1:9', method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id', pagination: { kind: 'none' } }] } });
  });
  afterAll(() => stack.close());

  const flowBody = () => ({
    name: 'Leads to contacts',
    source: { integrationId: sf, dataType: 'leads', filter: 'LastModifiedDate > YESTERDAY' },
    target: { integrationId: hs, object: 'contacts' },
    mapping: { email: '${Email:lowercase}', firstname: '${FirstName}' },
    match: ['email'],
    required: ['email'],
    trigger: 'manual',
  });

  it('creates, reads, lists, patches with If-Match and deletes a flow', async () => {
    const created = await call('POST', '/api/flows', flowBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Leads to contacts', status: 'active', onExisting: 'update', timeZone: 'UTC', country: 'US', version: 1, lastRunAt: null });
    expect(created.body.tenantId).toBeUndefined();
    const id = created.body.id;

    const got = await call('GET', `/api/flows/${id}`);
    expect(got.headers.etag).toBe('"1"');
    expect((await call('GET', '/api/flows?limit=10')).body.flows.map((f: { id: string }) => f.id)).toContain(id);

    const patched = await call('PATCH', `/api/flows/${id}`, { trigger: 'schedule', schedule: 15 }, { 'if-match': '"1"' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ trigger: 'schedule', schedule: 15, version: 2 });
    expect(patched.body.nextRunAt).toEqual(expect.any(String));
    const stale = await call('PATCH', `/api/flows/${id}`, { name: 'x' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');

    // Another tenant sees nothing.
    const other = await stack.app.tenants.createTenant('other');
    const otherCall = api(stack.url!, other.apiKey);
    expect((await otherCall('GET', `/api/flows/${id}`)).status).toBe(404);
    expect((await otherCall('POST', `/api/flows/${id}/run`)).status).toBe(404);
    expect((await otherCall('POST', '/api/flows', flowBody())).status).toBe(404);

    expect((await call('DELETE', `/api/flows/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/flows/${id}`)).status).toBe(404);
  });

  it.each([
    [{ mapping: { email: '${Email:shout}' } }, 'mapping.email'],
    [{ mapping: { email: '${Email' } }, 'mapping.email'],
    [{ source: { integrationId: 'x', dataType: 'leads', filter: "Status = 'a' AND (" } }, 'source.filter'],
    [{ match: ['phone'] }, 'match'],
    [{ required: ['phone'] }, 'required'],
    [{ trigger: 'schedule' }, 'schedule'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ target: { integrationId: 'h' } }, 'target.object'],
    [{ extra: 1 }, '(root)'],
  ])('answers 400 naming the field for %j', async (change, path) => {
    const body: Record<string, unknown> = { ...flowBody(), ...change };
    if ((change as { source?: unknown }).source) body.source = { ...(change as { source: object }).source, integrationId: sf };
    if ((change as { target?: unknown }).target) body.target = { integrationId: hs };
    const res = await call('POST', '/api/flows', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('answers 400 for an unknown data type and a REST target without path, 404 for an unknown integration', async () => {
    const badType = await call('POST', '/api/flows', { ...flowBody(), source: { integrationId: sf, dataType: 'widgets' } });
    expect(badType.body.error.details[0].path).toBe('source.dataType');
    const noPath = await call('POST', '/api/flows', { ...flowBody(), target: { integrationId: rest } });
    expect(noPath.status).toBe(400);
    expect(noPath.body.error.details.map((d: { path: string }) => d.path)).toEqual(['target.path', 'target.method']);
    const restNote = await call('POST', '/api/flows', { ...flowBody(), match: [], target: { integrationId: rest, path: '/hook', method: 'POST' }, note: { body: 'hi' } });
    expect(restNote.body.error.details.map((d: { path: string }) => d.path)).toEqual(['note']);
    const missing = await call('POST', '/api/flows', { ...flowBody(), target: { integrationId: 'nope', object: 'contacts' } });
    expect(missing.status).toBe(404);
  });

  it('lists the seed-003 template and imports its JSON as an ordinary flow', async () => {
    const t = await call('GET', '/api/flows/templates');
    expect(t.status).toBe(200);
    const example = t.body.templates.find((x: { id: string }) => x.id === 'salesforce_leads_to_hubspot_contacts');
    expect(example.flow.mapping).toEqual({ firstname: '${FirstName}', lastname: '${LastName}', email: '${Email:lowercase}', company: '${Company}', lifecyclestage: '${Status}' });

    const imported = await call('POST', '/api/flows/import', { template: example.seedTemplate, sourceIntegrationId: sf, targetIntegrationId: hs });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      source: { integrationId: sf, dataType: 'leads', filter: 'LastModifiedDate > YESTERDAY' },
      target: { integrationId: hs, object: 'contacts' },
      mapping: { firstname: '${FirstName}', email: '${Email}', lifecyclestage: '${Status}' },
      match: ['email'],
      trigger: 'realtime',
    });
    const bad = await call('POST', '/api/flows/import', { template: { ...example.seedTemplate, sync_frequency: 'fortnightly' }, sourceIntegrationId: sf, targetIntegrationId: hs });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('template.sync_frequency');
  });

  it('queues a run and shows it', async () => {
    const id = (await call('POST', '/api/flows', flowBody())).body.id;
    const bad = await call('POST', `/api/flows/${id}/run`, { dryRun: 'yes' });
    expect(bad.status).toBe(400);
    const run = await call('POST', `/api/flows/${id}/run`, { dryRun: true, maxRecords: 5 });
    expect(run.status).toBe(202);
    const got = await call('GET', `/api/flows/${id}/runs/${run.body.runId}`);
    expect(got.body).toMatchObject({ id: run.body.runId, flowId: id, dryRun: true, maxRecords: 5, trigger: 'manual' });
    expect((await call('GET', `/api/flows/${id}/runs`)).body.runs).toHaveLength(1);
    expect((await call('GET', `/api/flows/${id}/runs/nope`)).status).toBe(404);
    expect((await call('GET', `/api/flows/${id}/deliveries?status=failed`)).body).toEqual({ deliveries: [], nextCursor: null });
  });
});
