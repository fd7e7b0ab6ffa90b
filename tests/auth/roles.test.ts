import { publicRoutes } from '../../shared/api/openapi';
import { startWebhookStack } from '../webhooks/stack';
import type { TestStack } from '../helpers/stack';
import { call } from './helpers';

/**
 * Every route of the public route table, walked: a viewer is refused each one that is not a GET with 403
 * read_only_role (before its body is read, so any body will do), and is refused no GET. A new route cannot skip it.
 */
describe('roles on every route', () => {
  let stack: TestStack;
  let viewer: string;
  let admin: string;
  beforeAll(async () => {
    stack = await startWebhookStack();
    const dev = (role: string) => call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: stack.tenantId, role }).then((r) => r.body.token as string);
    [viewer, admin] = await Promise.all([dev('viewer'), dev('admin')]);
  });
  afterAll(() => stack.close());

  const routes = () => publicRoutes(stack.app).filter((r) => r.auth);
  const concrete = (path: string) => path.replace(/\{\w+\}/g, '01jdoesnotexist0000000000a');

  it('refuses a viewer every write route, with a code, and lets an admin past the role check', async () => {
    const writes = routes().filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(10);
    for (const r of writes) {
      const res = await call(stack.url!, viewer, r.method, concrete(r.path), {});
      expect([r.method, r.path, res.status, res.body?.error?.code]).toEqual([r.method, r.path, 403, 'read_only_role']);
      const asAdmin = await call(stack.url!, admin, r.method, concrete(r.path), {});
      expect([r.method, r.path, asAdmin.body?.error?.code]).not.toEqual([r.method, r.path, 'read_only_role']);
      expect(asAdmin.status).not.toBe(401);
    }
  });

  it('lets a viewer read, but for the admin-only reads (the tenant\'s people)', async () => {
    const adminReads = routes().filter((x) => x.method === 'GET' && x.adminOnly);
    expect(adminReads.map((r) => r.path)).toContain('/api/users');
    for (const r of adminReads) {
      const res = await call(stack.url!, viewer, 'GET', concrete(r.path));
      expect([r.path, res.status, res.body?.error?.code]).toEqual([r.path, 403, 'admin_role_required']);
      expect((await call(stack.url!, admin, 'GET', concrete(r.path))).status).not.toBe(403);
    }
    for (const r of routes().filter((x) => x.method === 'GET' && !x.adminOnly)) {
      const res = await call(stack.url!, viewer, 'GET', concrete(r.path));
      expect([r.path, res.status]).not.toEqual([r.path, 403]);
      expect([r.path, res.status]).not.toEqual([r.path, 401]);
    }
  });
});
