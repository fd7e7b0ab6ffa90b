import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../../shared/log';
import { startLocalStack } from '../../shared/local/stack';
import { call } from '../auth/helpers';
import { cli } from '../helpers/cli';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
// Each run is a new Node process with the TypeScript loader: seconds apiece on a busy machine.
jest.setTimeout(150_000);

/** The operator's side of sign-in: the user → tenant mapping (`users add|list|remove`) and local tokens (`auth token`). */
describe('CLI: users and auth token', () => {
  let dir: string;
  let tenantId: string;
  const restoreLog = setLogSink(() => undefined);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-users-'));
    const stack = await startLocalStack({ dataDir: dir, connectors: [] });
    ({ tenantId } = await stack.app.tenants.createTenant('people'));
    await stack.close();
  });
  afterAll(() => {
    setLogSink(restoreLog);
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds, re-roles, lists and removes a person of a tenant', async () => {
    const added = await cli(['users', 'add', 'ann@example.com', '--tenant', tenantId, '--role', 'viewer', '--issuer', ISSUER, '--json'], dir);
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect(JSON.parse(added.stdout)).toEqual({ subject: 'ann@example.com', issuer: ISSUER, tenantId, role: 'viewer', created: true });
    const again = await cli(['users', 'add', 'ann@example.com', '--tenant', tenantId, '--role', 'admin'], dir, { OIDC_ISSUER: ISSUER });
    expect(again.stdout).toBe(`ann@example.com is now admin in tenant ${tenantId} (provider ${ISSUER}).\n`);
    const listed = await cli(['users', 'list', '--tenant', tenantId], dir);
    expect(listed.stdout.split('\n')[0]).toMatch(/^SUBJECT\s+ROLE\s+PROVIDER\s+ADDED$/);
    expect(listed.stdout).toMatch(/^ann@example\.com\s+admin\s+https:\/\/cognito-idp/m);
    const removed = await cli(['users', 'remove', 'ann@example.com', '--tenant', tenantId, '--issuer', ISSUER], dir);
    expect(removed.code).toBe(0);
    const gone = await cli(['users', 'remove', 'ann@example.com', '--tenant', tenantId, '--issuer', ISSUER], dir);
    expect([gone.code, gone.stderr]).toEqual([1, `switchboard: ann@example.com is not mapped to tenant ${tenantId} (provider ${ISSUER}).\n`]);
    expect(JSON.parse((await cli(['users', 'list', '--tenant', tenantId, '--json'], dir)).stdout)).toEqual({ users: [] });
  });

  it('refuses a bad role, a missing provider and an unknown tenant', async () => {
    const role = await cli(['users', 'add', 'x', '--tenant', tenantId, '--role', 'owner', '--issuer', ISSUER], dir);
    expect([role.code, role.stderr.split('\n')[0]]).toEqual([2, 'switchboard: --role must be admin or viewer, not "owner"']);
    const issuer = await cli(['users', 'add', 'x', '--tenant', tenantId], dir, { OIDC_ISSUER: '' });
    expect([issuer.code, issuer.stderr]).toEqual([2, expect.stringContaining('pass --issuer URL')]);
    const tenant = await cli(['auth', 'token', '--tenant', 'nope'], dir);
    expect([tenant.code, tenant.stderr]).toEqual([1, expect.stringContaining('Tenant nope was not found')]);
  });

  it('auth token prints a dev sign-in token the stack of the folder accepts, with the role asked for', async () => {
    const r = await cli(['auth', 'token', '--tenant', tenantId, '--role', 'viewer'], dir);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const stack = await startLocalStack({ dataDir: dir, connectors: [], port: 0 });
    try {
      expect((await call(stack.url!, token, 'GET', '/api/auth/me')).body).toEqual({ tenantId, role: 'viewer', via: 'sso', user: 'developer' });
      expect((await call(stack.url!, token, 'POST', '/api/keys', {})).body.error.code).toBe('read_only_role');
      const json = JSON.parse((await cli(['auth', 'token', '--tenant', tenantId, '--json'], dir)).stdout);
      expect(json).toEqual({ token: expect.any(String), expiresAt: expect.any(String), tenantId, role: 'admin' });
      expect((await call(stack.url!, json.token, 'GET', '/api/auth/me')).body.role).toBe('admin');
    } finally {
      await stack.close();
    }
  });
});
