import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetConfig } from '../../shared/config';
import { fetchToken } from '../../shared/http/token';
import { HttpClient } from '../../shared/http/client';
import { refreshTokenGrant } from '../../shared/connectors/oauth';

/**
 * A tenant's connector config chooses the URLs our workers call. Deployed, nothing internal may be reached:
 * not the Lambda runtime API on loopback, not 169.254.169.254, not the VPC.
 */
describe('Source requests never reach internal addresses', () => {
  let url: string;
  let received = 0;
  const server = createServer((_req, res) => {
    received++;
    res.end('{"ok":true,"access_token":"t"}');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => {
    process.env.ALLOW_LOOPBACK_TARGETS = 'true';
    resetConfig();
  });
  const client = (base: string) => new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: base, sleep: async () => undefined });

  it('refuses loopback (by literal and by name), link-local metadata and private addresses when loopback is not allowed', async () => {
    process.env.ALLOW_LOOPBACK_TARGETS = 'false';
    resetConfig();
    const port = new URL(url).port;
    for (const base of [url, `http://localhost:${port}`, 'http://169.254.169.254', 'http://10.0.0.7', 'http://[::1]:9001']) {
      const err = await client(base).request({ url: '/latest/meta-data' }).catch((e) => e);
      expect([base, err.code]).toEqual([base, 'target_not_allowed']);
    }
    await expect(fetchToken(`${url}/token`, { grant_type: 'client_credentials' })).rejects.toMatchObject({ code: 'target_not_allowed' });
  });

  it('reaches loopback only where the local stack allows it, and never the metadata address', async () => {
    expect((await client(url).request({ url: '/x' })).status).toBe(200);
    const err = await client('http://169.254.169.254').request({ url: '/' }).catch((e) => e);
    expect(err.code).toBe('target_not_allowed');
  });

  it('sends no token request, and so no refresh token or client credentials, to loopback: RingCentral refresh and every fetchToken grant', async () => {
    process.env.ALLOW_LOOPBACK_TARGETS = 'false';
    resetConfig();
    const port = new URL(url).port;
    const creds = { refreshToken: 'rt-secret', clientId: 'cid', clientSecret: 'cs-secret' };
    // 2130706433 is 127.0.0.1 written as one number; localhost goes through the guarded lookup.
    for (const base of [url, `http://2130706433:${port}`, `http://localhost:${port}`, `http://[::ffff:127.0.0.1]:${port}`]) {
      const before = received;
      await expect(refreshTokenGrant({ tokenUrl: `${base}/restapi/oauth/token`, ...creds })).rejects.toMatchObject({ code: 'target_not_allowed' });
      await expect(refreshTokenGrant({ tokenUrl: `${base}/restapi/oauth/token`, ...creds, clientSecret: undefined })).rejects.toMatchObject({ code: 'target_not_allowed' });
      await expect(fetchToken(`${base}/oauth/v2/token`, { grant_type: 'refresh_token', refresh_token: 'rt' }, { inQuery: true })).rejects.toMatchObject({
        code: 'target_not_allowed',
      });
      expect([base, received]).toEqual([base, before]);
    }
  });

  it('reaches a loopback token endpoint where the local stack allows it', async () => {
    const before = received;
    await expect(refreshTokenGrant({ tokenUrl: `${url}/restapi/oauth/token`, refreshToken: 'rt', clientId: 'c', clientSecret: 's' })).resolves.toMatchObject({ access_token: 't' });
    expect(received).toBe(before + 1);
  });
});
