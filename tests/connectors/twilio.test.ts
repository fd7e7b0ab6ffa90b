import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { twilio } from '../../shared/connectors/twilio';
import { TwilioConfigSchema } from '../../shared/connectors/twilio/spec';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeCalls, makeMessages, rfc2822, startTwilioSandbox, type TwilioSandbox } from '../sandboxes/twilio';

const ACCOUNT = `AC${'ab'.repeat(16)}`;
const TOKEN = 'f'.repeat(32);
const iso = (rfc: unknown) => new Date(Date.parse(String(rfc))).toISOString();

describe('Connector: twilio (REST)', () => {
  let sb: TwilioSandbox;
  const messages = makeMessages(ACCOUNT, 2_300);
  const calls = makeCalls(ACCOUNT, 40);
  const start = async () => (sb = await startTwilioSandbox({ accountSid: ACCOUNT, authToken: TOKEN, messages, calls }));
  const configFor = (extra: Record<string, unknown> = {}) => ({ baseUrl: sb.url, accountSid: ACCOUNT, authToken: TOKEN, ...extra });
  afterEach(async () => sb?.close());

  it('declares both data types and a write-only auth token', () => {
    const schema = z.toJSONSchema(twilio.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.authToken).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(twilio.streams(TwilioConfigSchema.parse({ accountSid: ACCOUNT, authToken: TOKEN })).map((s) => s.name)).toEqual(['messages', 'calls']);
  });

  describe('Method: test', () => {
    const test = (cfg: Record<string, unknown>) => {
      const log = createLogger({ test: 'twilio' });
      const config = TwilioConfigSchema.parse(cfg);
      return twilio.test({ config, http: connectorHttp(twilio, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} }), log, saveSecrets: async () => {} });
    };
    it('reads the account', async () => {
      await start();
      await expect(test(configFor())).resolves.toEqual({ ok: true, message: 'Connection successful' });
    });
    it('fails with Twilio\'s 20003 and never the token', async () => {
      await start();
      const r = await test(configFor({ authToken: 'e'.repeat(32) }));
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Authentication Failed.*20003 Authenticate/);
      expect(r.message).not.toContain('e'.repeat(32));
    });
  });

  describe('Stream: full', () => {
    it('follows next_page_uri 1,000 at a time and stops where it is null', async () => {
      await start();
      const r = await readStream(twilio, configFor(), 'messages');
      expect(r.records).toHaveLength(2_300);
      expect(new Set(r.records.map((x) => x.id)).size).toBe(2_300);
      expect(sb.requests.map((x) => [x.query.get('PageSize'), x.query.get('Page')])).toEqual([['1000', null], ['1000', '1'], ['1000', '2']]);
      expect(sb.requests.every((x) => x.authorization === 'Basic ' + Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64'))).toBe(true);
      const newest = messages[messages.length - 1];
      expect(r.records[0]).toEqual({ id: newest.sid, data: newest, updatedAt: iso(newest.date_updated) });
      expect(r.cursor).toEqual({ hwm: iso(newest.date_updated) });
    });

    it('reads calls under their own key', async () => {
      await start();
      const r = await readStream(twilio, configFor(), 'calls');
      expect(r.records.map((x) => x.id).sort()).toEqual(calls.map((c) => c.sid).sort());
      expect(sb.requests).toHaveLength(1);
    });

    it('resumes a crashed run from the stored next_page_uri without re-reading the first page', async () => {
      await start();
      const a = await readStream(twilio, configFor(), 'messages', { maxPages: 1 });
      expect(a.cursor).toMatchObject({ next: expect.stringMatching(/^\/2010-04-01\/Accounts\/AC\w+\/Messages\.json\?PageSize=1000&Page=1&PageToken=PA/) });
      const b = await readStream(twilio, configFor(), 'messages', { cursor: a.cursor, resuming: true });
      expect([...a.records, ...b.records].map((x) => x.id).sort()).toEqual(messages.map((m) => m.sid).sort());
      expect(sb.requests.map((x) => x.query.get('Page'))).toEqual([null, '1', '2']);
    });
  });

  describe('Stream: incremental', () => {
    it('asks DateSent>= the day before the newest date_updated, and gets a status change made since', async () => {
      await start();
      const full = await readStream(twilio, configFor(), 'calls');
      const changed = sb.setRecord('Calls', { sid: calls[39].sid, status: 'completed', price: '-0.0170' }, new Date(Date.parse(iso(calls[39].date_updated)) + 60_000));
      const inc = await readStream(twilio, configFor(), 'calls', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.at(-1)!.query.get('StartTime>')).toBe('2024-04-30');
      expect(inc.records.find((x) => x.id === changed.sid)!.data.price).toBe('-0.0170');
      expect(inc.cursor).toEqual({ hwm: iso(changed.date_updated) });
    });

    it('leaves out what was sent before the window', async () => {
      await start();
      const old = { ...makeMessages(ACCOUNT, 1, '2024-04-01T10:00:00Z')[0], sid: `SM${'0'.repeat(31)}1` };
      sb.setRecord('Messages', old, new Date('2024-04-01T10:00:05Z'));
      const inc = await readStream(twilio, configFor(), 'messages', { mode: 'incremental', cursor: { hwm: '2024-05-02T12:00:00.000Z' } });
      expect(sb.requests[0].query.get('DateSent>')).toBe('2024-05-01');
      expect(inc.records).toHaveLength(2_300);
      expect(inc.records.some((x) => x.id === old.sid)).toBe(false);
    });
  });

  describe('Errors', () => {
    it('retries a 429 (code 20429, no Retry-After) with backoff and counts it', async () => {
      await start();
      sb.failNext(2, 429);
      const r = await readStream(twilio, configFor(), 'calls');
      expect(r.records).toHaveLength(40);
      expect(r.stats.http429).toBe(2);
    });

    it('retries a 5xx, then succeeds', async () => {
      await start();
      sb.failNext(1, 503);
      const r = await readStream(twilio, configFor(), 'calls');
      expect(r.records).toHaveLength(40);
      expect(r.stats.retries).toBeGreaterThanOrEqual(1);
    });

    it('fails a malformed page with MalformedPageError and a refused token with Authentication Failed', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(twilio, configFor(), 'calls')).rejects.toBeInstanceOf(MalformedPageError);
      const err = await readStream(twilio, configFor({ authToken: 'd'.repeat(32) }), 'calls').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).status).toBe(401);
      expect((err as Error).message).not.toContain('d'.repeat(32));
    });

    it('rejects a record without a status, keeping the rest of the page', async () => {
      await start();
      sb.setRecord('Calls', { sid: calls[0].sid, status: '' }, new Date(Date.parse(rfc2822(Date.parse('2024-05-01T10:00:00Z')))));
      const r = await readStream(twilio, configFor(), 'calls');
      expect(r.records).toHaveLength(39);
      expect(r.rejected).toEqual([{ id: calls[0].sid, reason: expect.stringContaining('status') }]);
    });
  });
});
