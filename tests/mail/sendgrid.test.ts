import { sendgrid } from '../../shared/connectors/sendgrid';
import { connectorHttp, parseConfig } from '../../shared/connectors/context';
import { SendGridMailer } from '../../shared/mail/sendgrid';
import { startSendGridSandbox, type SendGridSandbox } from '../sandboxes/sendgrid';

const KEY = 'SG.test-key.abcdef';
const png = Buffer.from('89504e470d0a1a0a', 'hex');

describe('Class: SendGridMailer', () => {
  let sandbox: SendGridSandbox;
  let waits: number[];
  beforeAll(async () => (sandbox = await startSendGridSandbox({ apiKey: KEY })));
  afterAll(() => sandbox.close());
  beforeEach(() => (waits = []));

  /** The client's clock: fixed, so a wait until X-RateLimit-Reset is exact. */
  const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
  const mailer = (apiKey = KEY, from: { email: string; name?: string } | undefined = { email: 'reports@example.com', name: 'Reports' }) => {
    const config = parseConfig(sendgrid, { baseUrl: sandbox.url, apiKey });
    const http = connectorHttp(sendgrid, config, { integrationId: 'int_sg', save: async () => undefined, now: () => T0, sleep: async (ms) => void waits.push(ms) });
    return new SendGridMailer(http, from);
  };
  const message = { to: [{ email: 'admin@example.com', name: 'Admin, Ops' }], subject: 'Calls report', html: '<img src="cid:c1">', text: '3 calls', attachments: [{ filename: 'c.png', contentType: 'image/png', content: png, cid: 'c1' }] };

  it('sends v3 mail send (202) with text before HTML and the chart inline, and returns X-Message-Id', async () => {
    const res = await mailer().send(message);
    const got = sandbox.sent.at(-1)!;
    expect(res.messageId).toBe(got.messageId);
    expect(got.body).toEqual({
      personalizations: [{ to: [{ email: 'admin@example.com', name: 'Admin  Ops' }] }],
      from: { email: 'reports@example.com', name: 'Reports' },
      subject: 'Calls report',
      content: [{ type: 'text/plain', value: '3 calls' }, { type: 'text/html', value: '<img src="cid:c1">' }],
      attachments: [{ content: png.toString('base64'), type: 'image/png', filename: 'c.png', disposition: 'inline', content_id: 'c1' }],
    });
  });

  it('a wrong key is a final auth_failed (401), not retried', async () => {
    const before = sandbox.requests.length;
    const err = await mailer('SG.wrong-key-000').send(message).catch((e) => e);
    expect([err.code, err.status, err.retryable]).toEqual(['auth_failed', 401, false]);
    expect(err.message).toContain('authorization required');
    expect(sandbox.requests.length - before).toBe(1);
  });

  it('waits out a 429 for its Retry-After, then sends once', async () => {
    const sent = sandbox.sent.length;
    sandbox.throttleNext(1, { retryAfter: 7 });
    await mailer().send(message);
    expect(waits).toEqual([7000]);
    expect(sandbox.sent.length - sent).toBe(1);
  });

  it('a 429 without Retry-After waits until X-RateLimit-Reset', async () => {
    const sent = sandbox.sent.length;
    sandbox.throttleNext(1, { resetAt: T0 / 1000 + 30 });
    await mailer().send(message);
    expect(waits).toEqual([30_000]);
    expect(sandbox.sent.length - sent).toBe(1);
  });

  it("a 400 names SendGrid's field and message and is final", async () => {
    const err = await mailer().send({ ...message, to: [{ email: 'not an address' }] }).catch((e) => e);
    expect([err.code, err.status, err.retryable]).toEqual(['source_error', 400, false]);
    expect(err.message).toContain('personalizations.0.to: The to array is required');
  });

  it('the connector test checks the key has the mail.send scope', async () => {
    const test = async (apiKey: string) => {
      const config = parseConfig(sendgrid, { baseUrl: sandbox.url, apiKey });
      return sendgrid.test({ config, http: connectorHttp(sendgrid, config, { integrationId: 'int_sg_t', save: async () => undefined }) } as never);
    };
    expect(await test(KEY)).toEqual({ ok: true, message: 'Connection successful' });
    expect((await test('SG.wrong-key-000')).ok).toBe(false);
    const narrow = await startSendGridSandbox({ apiKey: KEY, scopes: ['stats.read'] });
    const config = parseConfig(sendgrid, { baseUrl: narrow.url, apiKey: KEY });
    const r = await sendgrid.test({ config, http: connectorHttp(sendgrid, config, { integrationId: 'int_sg_n', save: async () => undefined }) } as never);
    await narrow.close();
    expect(r).toEqual({ ok: false, message: 'The API key works but lacks the mail.send scope.' });
  });
});
