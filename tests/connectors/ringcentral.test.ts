import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { ringcentral, toCallRecord } from '../../shared/connectors/ringcentral';
import { RingCentralConfigSchema } from '../../shared/connectors/ringcentral/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeCall, makeCalls, startRingCentralSandbox, type RcCall, type RingCentralSandbox, type RingCentralSandboxOptions } from '../sandboxes/ringcentral';

const ACCESS = 'U0pDMTFQMDFQQVMwMHxBQUFrc-access-0001';
const REFRESH = 'U0pDMTFQMDFQQVMwMHxBQUFrc-refresh-0002';
const CLIENT_ID = 'rcClientIdQx7';
const CLIENT_SECRET = 'rc-client-secret-0003';
const HOUR = 3_600_000;

function configFor(sb: RingCentralSandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return RingCentralConfigSchema.parse({ baseUrl: sb.url, accessToken: ACCESS, refreshToken: REFRESH, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...extra }) as Record<string, unknown>;
}

async function testConnection(config: Record<string, unknown>) {
  const http = connectorHttp(ringcentral, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
  return ringcentral.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
}

describe('Connector: ringcentral', () => {
  let sb: RingCentralSandbox;
  // Newest call an hour ago, the others 3 h apart: 7 calls span 19 hours, inside the default 30-day window.
  const calls = makeCalls(7, Date.now() - HOUR);
  const newestFirst = [...calls].reverse().map((c) => c.id);
  const start = async (o: Partial<RingCentralSandboxOptions> = {}) => {
    sb = await startRingCentralSandbox({ accessToken: ACCESS, refreshToken: REFRESH, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, calls, maxPerPage: 3, ...o });
  };
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, the data type, the Heavy-group limit and write-only secrets', () => {
      expect(ringcentral.type).toBe('ringcentral');
      expect(ringcentral.defaultDataTypes).toEqual(['call_log']);
      expect(ringcentral.rateLimit).toEqual({ requests: 10, windowMs: 60_000 });
      expect(secretFields(ringcentral.configSchema).sort()).toEqual(['accessToken', 'clientSecret', 'refreshToken']);
      const schema = z.toJSONSchema(ringcentral.configSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean; 'x-secret'?: boolean; default?: unknown }> };
      expect(schema.properties.accessToken).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.refreshToken.writeOnly).toBe(true);
      expect(schema.properties.clientId.writeOnly).toBeUndefined();
      expect(schema.properties.baseUrl.default).toBe('https://platform.ringcentral.com');
      expect(schema.properties.scope.default).toBe('account');
      expect(schema.properties.historyDays.default).toBe(30);
    });

    it('wants a client id when a refresh token is given', () => {
      const r = RingCentralConfigSchema.safeParse({ accessToken: 'a', refreshToken: 'r' });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path).toEqual(['clientId']);
    });
  });

  describe('Method: test', () => {
    it('succeeds with a one-record call log read', async () => {
      await start();
      expect(await testConnection(configFor(sb))).toEqual({ ok: true, message: 'Connected to RingCentral (account call log)' });
      expect(sb.requests[0]).toMatchObject({ path: '/restapi/v1.0/account/~/call-log', authorization: `Bearer ${ACCESS}` });
      expect(sb.requests[0].query.get('perPage')).toBe('1');
    });

    it('fails with "Authentication Failed" on a 401 that no refresh can fix, naming the OAU code and no secret', async () => {
      await start();
      const result = await testConnection(configFor(sb, { refreshToken: undefined, clientId: undefined, accessToken: 'wrong-token' }));
      expect(result.ok).toBe(false);
      expect(result.message).toBe('Authentication Failed: ringcentral GET /restapi/v1.0/account/~/call-log answered 401 (OAU-213: Access token expired)');
      sb.expireToken();
      sb.failRefresh();
      const refused = await testConnection(configFor(sb));
      expect(refused.message).toBe('Authentication Failed: token endpoint /restapi/oauth/token answered 400 (invalid_grant)');
      for (const s of [ACCESS, REFRESH, CLIENT_SECRET]) expect(refused.message).not.toContain(s);
    });
  });

  describe('Stream: full sync', () => {
    it('reads every page by navigation.nextPage.uri, Detailed view, over the history window', async () => {
      await start();
      const r = await readStream(ringcentral, configFor(sb), 'call_log');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.id)).toEqual(newestFirst);
      expect(r.records.map((x) => x.data)).toEqual([...calls].reverse().map((c) => toCallRecord(c)));
      expect(r.cursor).toEqual({ hwm: calls[6].startTime });
      const first = sb.requests[0].query;
      expect([first.get('view'), first.get('perPage')]).toEqual(['Detailed', '1000']);
      // dateFrom = now − 30 days (RingCentral would otherwise answer only the last 24 hours).
      expect(Date.now() - Date.parse(first.get('dateFrom')!)).toBeGreaterThan(29 * 24 * HOUR);
      expect(sb.requests.map((x) => x.query.get('page'))).toEqual([null, '2', '3']);
      expect(r.pages.map((p) => p.info?.rateLimitRemaining)).toEqual([9, 8, 7]);
      expect(r.pages[0].info).toMatchObject({ rateLimitGroup: 'heavy', rateLimitLimit: 10, rateLimitWindowSeconds: 60 });
    });

    it('maps a call to flat fields plus the raw nested parts (recordings, voicemails, missed calls)', async () => {
      await start();
      const r = await readStream(ringcentral, configFor(sb), 'call_log');
      const byId = new Map(r.records.map((x) => [x.id, x.data]));
      const recorded = byId.get(calls[0].id)!;
      expect(recorded).toMatchObject({
        direction: 'Inbound',
        result: 'Accepted',
        answered: true,
        missed: false,
        hasRecording: true,
        recordingId: String(1662272004),
        recordingContentUri: expect.stringMatching(/\/recording\/1662272004\/content$/),
        externalNumber: '+14155551000',
        externalName: 'Ada Lovelace',
        toExtensionNumber: '101',
        extensionId: '62264425',
        endTime: new Date(Date.parse(calls[0].startTime) + 30_000).toISOString(),
      });
      expect(recorded.legs).toHaveLength(1);
      expect(recorded.recording).toEqual(calls[0].recording);
      expect(byId.get(calls[1].id)).toMatchObject({ result: 'Missed', missed: true, hasVoicemail: false, hasRecording: false, duration: 0 });
      expect(byId.get(calls[2].id)).toMatchObject({ result: 'Voicemail', missed: true, hasVoicemail: true, voicemailMessageId: String(8016524004 + 2) });
      // Outbound: the other party is the callee.
      expect(byId.get(calls[4].id)).toMatchObject({ direction: 'Outbound', missed: false, externalNumber: '+14155551004' });
    });

    it('reads the token owner\'s own call log with scope "extension"', async () => {
      await start();
      await readStream(ringcentral, configFor(sb, { scope: 'extension' }), 'call_log');
      expect(new Set(sb.requests.map((x) => x.path))).toEqual(new Set(['/restapi/v1.0/account/~/extension/~/call-log']));
    });

    it('resumes an interrupted run from the stored next-page link', async () => {
      await start();
      const config = configFor(sb);
      const first = await readStream(ringcentral, config, 'call_log', { maxPages: 1 });
      expect(first.cursor).toMatchObject({ next: expect.stringContaining('page=2') });
      const rest = await readStream(ringcentral, config, 'call_log', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(newestFirst);
    });

    it('rejects a record that does not parse, keeps the rest', async () => {
      const broken = { ...makeCall(20, Date.now() - 2 * HOUR), duration: 'long' } as unknown as RcCall;
      await start({ calls: [...calls.slice(0, 2), broken], maxPerPage: 10 });
      const r = await readStream(ringcentral, configFor(sb), 'call_log');
      expect(r.records.map((x) => x.id)).toEqual([calls[1].id, calls[0].id]);
      expect(r.rejected).toEqual([{ id: broken.id, reason: expect.stringContaining('duration') }]);
    });
  });

  describe('Stream: incremental', () => {
    it('sends dateFrom = mark − lookback and picks up the new call (plus the re-read of the mark)', async () => {
      await start();
      const full = await readStream(ringcentral, configFor(sb), 'call_log');
      const fresh = makeCall(7, Date.now() - 10 * 60_000);
      sb.addCall(fresh);
      const inc = await readStream(ringcentral, configFor(sb), 'call_log', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.at(-1)!.query.get('dateFrom')).toBe(new Date(Date.parse(calls[6].startTime) - 60 * 60_000).toISOString());
      // Calls are 3 h apart: the one-hour lookback re-reads only the call at the mark, none older.
      expect(inc.records.map((x) => x.id)).toEqual([fresh.id, calls[6].id]);
      expect(inc.cursor).toEqual({ hwm: fresh.startTime });
    });

    it('finds nothing when nothing happened, keeping the mark', async () => {
      await start();
      const mark = { hwm: calls[6].startTime };
      const inc = await readStream(ringcentral, configFor(sb), 'call_log', { mode: 'incremental', cursor: mark, since: new Date(Date.now() - 60_000).toISOString() });
      expect(inc.records).toEqual([]);
      expect(inc.cursor).toEqual(mark);
    });
  });

  describe('Auth: token refresh', () => {
    it('refreshes with Basic client credentials on OAU-213, re-seals both rotated tokens and retries once', async () => {
      await start();
      sb.expireToken();
      const config = configFor(sb);
      const r = await readStream(ringcentral, config, 'call_log');
      expect(r.records).toHaveLength(7);
      expect(sb.refreshCount).toBe(1);
      expect(r.saved).toEqual([{ accessToken: sb.accessToken, refreshToken: sb.refreshToken }]);
      const token = sb.requests.find((x) => x.path === '/restapi/oauth/token')!;
      expect(token.authorization).toBe('Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
      expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH });
      expect(sb.requests.filter((x) => x.path !== '/restapi/oauth/token').map((x) => [x.status, x.authorization])).toEqual([
        [401, `Bearer ${ACCESS}`],
        [200, `Bearer ${sb.accessToken}`],
        [200, `Bearer ${sb.accessToken}`],
        [200, `Bearer ${sb.accessToken}`],
      ]);

      // The old refresh token is now spent: the next refresh must use the rotated one the first re-sealed.
      sb.expireToken();
      const again = await readStream(ringcentral, config, 'call_log');
      expect(again.records).toHaveLength(7);
      expect(sb.refreshCount).toBe(2);
    });

    it('sends client_id in the form for a public app (no client secret)', async () => {
      await start({ clientSecret: undefined });
      sb.expireToken();
      const r = await readStream(ringcentral, configFor(sb, { clientSecret: undefined }), 'call_log');
      expect(r.records).toHaveLength(7);
      const token = sb.requests.find((x) => x.path === '/restapi/oauth/token')!;
      expect(token.authorization).toBeUndefined();
      expect(new URLSearchParams(token.body).get('client_id')).toBe(CLIENT_ID);
    });

    it('fails with "Authentication Failed" when the refresh is refused', async () => {
      await start();
      sb.expireToken();
      sb.failRefresh();
      const err = await readStream(ringcentral, configFor(sb), 'call_log').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('auth_failed');
      expect((err as Error).message).toMatch(/^Authentication Failed: token endpoint \/restapi\/oauth\/token answered 400/);
      expect(sb.refreshCount).toBe(0);
    });
  });

  describe('Errors and limits', () => {
    it('honours the Retry-After of a 429 CMN-301 and continues', async () => {
      await start({ retryAfterSeconds: 1 });
      sb.failNext(1, 429);
      const r = await readStream(ringcentral, configFor(sb), 'call_log');
      expect(r.records.map((x) => x.id)).toEqual(newestFirst);
      expect(r.stats.http429).toBe(1);
      expect(sb.earlyRetries).toBe(0);
    });

    it('fails with "Rate Limit Exceeded" and the CMN-301 code when the penalty is longer than a run may wait', async () => {
      // The client waits out a Retry-After within its 10-minute budget; a longer penalty ends the request, retryable.
      await start({ perMinute: 2, retryAfterSeconds: 3600 });
      const err = await readStream(ringcentral, configFor(sb), 'call_log').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ retryable: true, retryAt: expect.any(Number) });
      expect((err as Error).message).toBe('Rate Limit Exceeded: ringcentral/call_log GET /restapi/v1.0/account/~/call-log answered 429 (CMN-301: Request rate exceeded)');
    });

    it('retries a 5xx', async () => {
      await start();
      sb.failNext(2, 503);
      const r = await readStream(ringcentral, configFor(sb), 'call_log');
      expect(r.records).toHaveLength(7);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a page without records', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(ringcentral, configFor(sb), 'call_log')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });
});
