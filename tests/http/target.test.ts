import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetConfig } from '../../shared/config';
import { database } from '../../shared/connectors/database';
import { createSalesPro, SalesProConfigSchema } from '../../shared/connectors/salespro';
import { HttpClient } from '../../shared/http/client';
import { assertAllowedTarget, assertSdkEndpoint } from '../../shared/http/target';
import { createLogger } from '../../shared/log';
import { testConnection } from '../connectors/database/helpers';

/** A loopback TCP listener that counts the connections it receives (and accepts nothing else). */
async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, connections: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

const env = (vars: Record<string, string>) => {
  Object.assign(process.env, vars);
  resetConfig();
};

/** Issue 8 item 1: database sockets, SDK endpoints and files go through one guard, like HTTP requests do. */
describe('Module: target guard (non-HTTP connections a tenant config aims)', () => {
  let tcp: Awaited<ReturnType<typeof listener>>;
  beforeAll(async () => {
    tcp = await listener();
  });
  afterAll(() => tcp.close());
  afterEach(() => env({ ALLOW_LOOPBACK_TARGETS: 'true', PRIVATE_TARGET_ALLOWLIST: '' }));

  describe('Function: assertAllowedTarget (stubbed resolver: no socket opens)', () => {
    const resolvesTo = (address: string) => async () => [{ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }];

    it('refuses private, loopback and link-local answers, and takes public ones', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false' });
      for (const a of ['10.1.2.3', '192.168.0.9', '127.0.0.1', '169.254.169.254', 'fd00::1', '::ffff:10.0.0.1']) {
        await expect(assertAllowedTarget('db.example.com', { lookup: resolvesTo(a) })).rejects.toMatchObject({ code: 'target_not_allowed' });
      }
      await expect(assertAllowedTarget('db.example.com', { lookup: resolvesTo('93.184.216.34') })).resolves.toEqual({ address: '93.184.216.34', family: 4 });
      await expect(assertAllowedTarget('db.example.com', { lookup: async () => [] })).rejects.toMatchObject({ code: 'connection_failed' });
    });

    it('opens private addresses the operator allow-list names (by CIDR, IP or host name), never loopback or link-local', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false', PRIVATE_TARGET_ALLOWLIST: '10.20.0.0/16, 172.16.5.5 vpc-db.internal,169.254.0.0/16 127.0.0.0/8' });
      await expect(assertAllowedTarget('db.example.com', { lookup: resolvesTo('10.20.3.4') })).resolves.toMatchObject({ address: '10.20.3.4' });
      await expect(assertAllowedTarget('172.16.5.5')).resolves.toMatchObject({ address: '172.16.5.5' });
      await expect(assertAllowedTarget('vpc-db.internal', { lookup: resolvesTo('192.168.1.1') })).resolves.toMatchObject({ address: '192.168.1.1' });
      await expect(assertAllowedTarget('db.example.com', { lookup: resolvesTo('10.21.0.1') })).rejects.toMatchObject({ code: 'target_not_allowed' });
      await expect(assertAllowedTarget('db.example.com', { lookup: resolvesTo('169.254.169.254') })).rejects.toMatchObject({ code: 'target_not_allowed' });
      await expect(assertAllowedTarget('127.0.0.1')).rejects.toMatchObject({ code: 'target_not_allowed' });
    });
  });

  describe('Connector: database', () => {
    const pg = (port: number, host = '127.0.0.1') => ({ dialect: 'postgres', host, port, database: 'test', username: 'postgres', password: 'pw-secret', tables: [{ name: 't', primaryKey: 'id' }] });

    it('opens no socket to loopback when loopback is not allowed, and says the same whether a port listens or not', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false' });
      const open = await testConnection(database, pg(tcp.port));
      const closed = await testConnection(database, pg(1));
      const byName = await testConnection(database, pg(tcp.port, 'localhost'));
      expect(tcp.connections()).toBe(0);
      expect(open).toEqual({ ok: false, message: '127.0.0.1 is not an address this service may connect to' });
      expect(closed).toEqual(open);
      expect(byName.ok).toBe(false);
      expect(byName.message).toContain('not an address this service may connect to');
    });

    it('connects to loopback where local tools allow it, to the address it checked (not a second DNS answer)', async () => {
      await testConnection(database, pg(tcp.port));
      expect(tcp.connections()).toBe(1);
      // Without TLS the driver gets the checked address, not the name to resolve again.
      const r = await testConnection(database, pg(1, 'localhost'));
      expect(r.message).toMatch(/Could not connect to (127\.0\.0\.1|::1):1/);
    });

    it('refuses SQLite files in the deployed service, before looking at the file', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false' });
      const dir = mkdtempSync(join(tmpdir(), 'sb-guard-'));
      new Database(join(dir, 'real.db')).close();
      const sqlite = (filename: string) => ({ dialect: 'sqlite', filename, tables: [{ name: 't', primaryKey: 'id' }] });
      const real = await testConnection(database, sqlite(join(dir, 'real.db')));
      const missing = await testConnection(database, sqlite(join(dir, 'missing.db')));
      expect(real.ok).toBe(false);
      expect(real.message).toMatch(/only be read by a local Switchboard/);
      expect(missing).toEqual(real);
    });
  });

  describe('Connector: salespro (Athena endpoint override)', () => {
    const cfg = (extra: Record<string, unknown>) =>
      SalesProConfigSchema.parse({ region: 'us-east-1', database: 'db', outputLocation: 's3://bucket-results/x/', ...extra }) as never;
    const ctx = (config: never) => ({ config, http: new HttpClient({ connector: 'salespro', integrationId: 'i' }), log: createLogger(), saveSecrets: async () => {} });
    const keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'tenant-secret' };

    it('sends nothing to a loopback endpoint when loopback is not allowed, nor ever without the tenant’s own keys', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false' });
      const salespro = createSalesPro({ sleep: async () => {} });
      const endpoint = `http://127.0.0.1:${tcp.port}`;
      const before = tcp.connections();
      const withKeys = await salespro.test(ctx(cfg({ endpoint, ...keys })));
      env({ ALLOW_LOOPBACK_TARGETS: 'true' });
      // Without keys the SDK would sign with the worker role's own credentials.
      const roleSigned = await salespro.test(ctx(cfg({ endpoint })));
      expect(tcp.connections()).toBe(before);
      for (const r of [withKeys, roleSigned]) expect(r).toMatchObject({ ok: false, message: expect.stringContaining('not an address this service may connect to') });
    });

    it('accepts AWS’s own https endpoints (regional, FIPS, VPC) without resolving them', async () => {
      env({ ALLOW_LOOPBACK_TARGETS: 'false' });
      const lookup = async () => {
        throw new Error('no lookup expected');
      };
      for (const e of ['https://athena.us-east-1.amazonaws.com', 'https://athena-fips.us-east-1.amazonaws.com', 'https://vpce-0a1b.athena.us-east-1.vpce.amazonaws.com']) {
        await expect(assertSdkEndpoint(e, { ownCredentials: false, lookup })).resolves.toBeUndefined();
      }
      await expect(assertSdkEndpoint('http://athena.us-east-1.amazonaws.com', { ownCredentials: true, lookup })).rejects.toMatchObject({ code: 'target_not_allowed' });
      await expect(assertSdkEndpoint('https://amazonaws.com.evil.example', { ownCredentials: true, lookup })).rejects.toMatchObject({ code: 'target_not_allowed' });
    });
  });
});
