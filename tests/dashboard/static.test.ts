import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../../scripts/build-dashboard';
import { startTestStack, type TestStack } from '../helpers/stack';

describe('The dashboard as served by the local stack', () => {
  let dir: string;
  let stack: TestStack;

  beforeAll(async () => {
    dir = await buildDashboard(mkdtempSync(join(tmpdir(), 'sb-dashboard-')));
    stack = await startTestStack({ port: 0, dashboardDir: dir });
    await stack.svc.create(stack.tenantId, { name: 'Secret Orders Feed', type: 'custom_api', config: { baseUrl: 'https://api.example.com', testPath: '/ping' } });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is at most 60 KB gzipped, everything the browser loads included', () => {
    const sizes = ['index.html', 'app.js', 'app.css'].map((f) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60 * 1024);
  });

  it('serves index.html at / and at every app path (SPA fallback), with its security headers and no tenant data', async () => {
    for (const path of ['/', '/integrations/01ABC/runs', '/flows?x=1']) {
      const res = await fetch(stack.url + path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.text();
      expect(body).toContain('<div id="app">');
      // Before sign-in the page is the same static file for everyone: nothing of any tenant in it.
      expect(body).not.toContain('Secret Orders Feed');
      expect(body).not.toContain(stack.tenantId);
    }
  });

  it('serves the bundle and styles with their content types, and 404s a missing asset', async () => {
    const js = await fetch(`${stack.url}/app.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await js.text()).toBe(readFileSync(join(dir, 'app.js'), 'utf8'));
    const css = await fetch(`${stack.url}/app.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await fetch(`${stack.url}/missing.js`)).status).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    // fetch() would normalise `..` away, so the raw request line goes over a socket.
    const { request } = await import('node:http');
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${stack.url}/`, { path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json', `/${'..%2f'.repeat(8)}etc/passwd`]) {
      const res = await raw(path);
      // A name with an extension is a missing asset; one without is an app route, answered with the app.
      if (/\.\w+$/.test(path)) expect([path, res.status]).toEqual([path, 404]);
      else expect([path, res.status, res.body]).toEqual([path, 200, readFileSync(join(dir, 'index.html'), 'utf8')]);
      expect(res.body).not.toContain('"dependencies"');
      expect(res.body).not.toContain('root:');
    }
  });

  it('leaves /api and /webhooks to the API: JSON errors, not the app', async () => {
    const unknown = await fetch(`${stack.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    const unauth = await fetch(`${stack.url}/api/integrations`);
    expect(unauth.status).toBe(401);
    const hook = await fetch(`${stack.url}/webhooks/generic/x`);
    expect(hook.headers.get('content-type')).toBe('application/json');
  });
});
