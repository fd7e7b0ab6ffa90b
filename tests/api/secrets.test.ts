import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startServer, type RunningServer } from '../sandboxes/kit';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';

/** An attacker's host on loopback: records every request it receives, and the credentials they carry. */
async function startCatcher(): Promise<RunningServer & { seen: string[] }> {
  const seen: string[] = [];
  const server = await startServer(
    (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
    (res) => res.writeHead(500).end(),
  );
  return { ...server, seen };
}

describe('Secrets cannot be read back by redirecting them (issue 8 item 2)', () => {
  let stack: TestStack;
  let sandbox: HubspotSandbox;
  let catcher: Awaited<ReturnType<typeof startCatcher>>;
  let call: ReturnType<typeof api>;
  const SECRET = 'pat-na1-REDIRECT-0000-1111-2222-333344445555';

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    sandbox = await startHubspotSandbox({ token: SECRET, contacts: 2, companies: 1, deals: 1, rateLimit: false });
    catcher = await startCatcher();
    call = api(stack.url!, stack.apiKey);
  });
  afterAll(async () => {
    await stack.close();
    await sandbox.close();
    await catcher.close();
  });

  it('a PATCH that moves baseUrl without the token is a 400 naming it, and the test sends nothing to the new host', async () => {
    const created = await call('POST', '/api/integrations', { name: 'hs', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: SECRET } });
    const id = created.body.id as string;

    const moved = await call('PATCH', `/api/integrations/${id}`, { config: { baseUrl: catcher.url } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toEqual([{ path: 'config.accessToken', message: expect.stringContaining('config.baseUrl') }]);
    const masked = await call('PATCH', `/api/integrations/${id}`, { config: { baseUrl: catcher.url, accessToken: '***' } });
    expect(masked.status).toBe(400);

    await call('POST', `/api/integrations/${id}/test`);
    expect(catcher.seen).toEqual([]);
    expect((await call('GET', `/api/integrations/${id}`)).body.config.baseUrl).toBe(sandbox.url);
  });

  it('an unchanged target keeps the stored secret; a moved target with the secret supplied again is accepted', async () => {
    const created = await call('POST', '/api/integrations', { name: 'hs', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: SECRET } });
    const id = created.body.id as string;
    expect((await call('PATCH', `/api/integrations/${id}`, { name: 'renamed', config: { baseUrl: sandbox.url } })).status).toBe(200);
    expect((await call('POST', `/api/integrations/${id}/test`)).body.ok).toBe(true);

    const moved = await call('PATCH', `/api/integrations/${id}`, { config: { baseUrl: catcher.url, accessToken: 'pat-their-own-token' } });
    expect(moved.status).toBe(200);
    await call('POST', `/api/integrations/${id}/test`);
    expect(catcher.seen.join('\n')).not.toContain(SECRET);
  });

  it.each([
    ['custom_api', { baseUrl: 'http://127.0.0.1:9', auth: { kind: 'oauth2_client_credentials', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'c' }, token: 'cs-secret', streams: [{ name: 'items', path: '/items', recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } }] }, { auth: { kind: 'oauth2_client_credentials', tokenUrl: 'http://127.0.0.1:8/token', clientId: 'c' } }, ['config.token']],
    ['salesforce', { instanceUrl: 'http://127.0.0.1:9', accessToken: 'a', refreshToken: 'r', clientId: 'c', clientSecret: 's' }, { instanceUrl: 'http://127.0.0.1:8' }, ['config.accessToken', 'config.refreshToken', 'config.clientSecret']],
    ['salesforce', { instanceUrl: 'http://127.0.0.1:9', accessToken: 'a' }, { tokenUrl: 'http://127.0.0.1:8/token' }, ['config.accessToken']],
    ['database', { dialect: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', username: 'u', password: 'pw', tables: [{ name: 't', primaryKey: 'id' }] }, { host: 'db.example.com' }, ['config.password']],
  ])('%s: moving a target field needs its secrets again', async (type, config, patch, named) => {
    const created = await call('POST', '/api/integrations', { name: 'x', type, config });
    expect(created.status).toBe(201);
    const r = await call('PATCH', `/api/integrations/${created.body.id}`, { config: patch });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual(named);
  });

  it('the catalog says which fields send which secrets', async () => {
    const templates = await call('GET', '/api/integrations/templates');
    const hubspot = templates.body.templates.find((t: { type: string }) => t.type === 'hubspot');
    expect(JSON.stringify(hubspot)).toContain('"x-sends-secrets":["accessToken"]');
  });

  describe('credentials in URLs (issue 8 item 3)', () => {
    const stream = { name: 'items', path: '/items', recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } };
    it.each([
      ['a user name and password in baseUrl', { baseUrl: 'http://user:pa55@127.0.0.1:9', streams: [stream] }, 'config.baseUrl', /user name or password.*config\.token/],
      ['an api_key in a stream path', { baseUrl: 'http://127.0.0.1:9', streams: [{ ...stream, path: '/items?api_key=k-123' }] }, 'config.streams.0.path', /api_key.*config\.token/],
      ['an access_token in baseUrl', { baseUrl: 'http://127.0.0.1:9/v1?access_token=t', streams: [stream] }, 'config.baseUrl', /access_token/],
    ])('refuses %s, pointing to the sealed fields, and stores nothing', async (_what, config, path, message) => {
      const r = await call('POST', '/api/integrations', { name: 'creds', type: 'custom_api', config });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
      const listed = await call('GET', '/api/integrations?limit=1000');
      expect(JSON.stringify(listed.body)).not.toMatch(/pa55|k-123|access_token=t/);
    });

    it('refuses them on PATCH too, and keeps ordinary query strings', async () => {
      const created = await call('POST', '/api/integrations', { name: 'q', type: 'custom_api', config: { baseUrl: 'http://127.0.0.1:9', streams: [{ ...stream, path: '/items?status=open&page_size=10' }] } });
      expect(created.status).toBe(201);
      const r = await call('PATCH', `/api/integrations/${created.body.id}`, { config: { streams: [{ ...stream, path: '/items?token=abc' }] } });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].path).toBe('config.streams.0.path');
    });
  });
});
