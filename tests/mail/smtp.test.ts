import { SourceError } from '../../shared/errors';
import { SmtpMailer } from '../../shared/mail/smtp';
import { smtp } from '../../shared/connectors/smtp';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('Class: SmtpMailer', () => {
  describe('without credentials (seed 004 email_config.json, use_tls false)', () => {
    let server: SmtpTestServer;
    beforeAll(async () => (server = await startSmtpServer()));
    afterAll(() => server.close());

    it('delivers HTML, text and an inline image to every recipient', async () => {
      const mailer = new SmtpMailer({ host: '127.0.0.1', port: server.port, secure: false, requireTLS: false, from: { email: 'integration@example.com', name: 'RC-Zoho Integration' } });
      const res = await mailer.send({
        to: [{ email: 'admin@example.com', name: 'Admin' }, { email: 'manager@example.com' }],
        subject: 'Calls report',
        html: '<p>12 calls</p><img src="cid:chart-1">',
        text: '12 calls',
        attachments: [{ filename: 'chart.png', contentType: 'image/png', content: png, cid: 'chart-1' }],
      });
      expect(res.messageId).toMatch(/@/);
      const got = server.received.at(-1)!;
      expect(got.from).toBe('integration@example.com');
      expect(got.to).toEqual(['admin@example.com', 'manager@example.com']);
      expect(got.mail.subject).toBe('Calls report');
      expect(got.mail.from?.value).toEqual([{ address: 'integration@example.com', name: 'RC-Zoho Integration' }]);
      expect(got.mail.text?.trim()).toBe('12 calls');
      expect(got.mail.attachments).toHaveLength(1);
      expect(got.mail.attachments[0]).toMatchObject({ contentType: 'image/png', cid: 'chart-1', contentDisposition: 'inline' });
      expect(got.mail.attachments[0].content.equals(png)).toBe(true);
    });

    it('refuses to send a password where the server offers no STARTTLS', async () => {
      const mailer = new SmtpMailer({ host: '127.0.0.1', port: server.port, secure: false, username: 'u', password: 'p4ss', from: { email: 'a@example.com' } });
      const err = await mailer.send({ to: [{ email: 'b@example.com' }], subject: 's', html: 'h' }).catch((e) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err.code).toBe('smtp_failed');
      expect(err.message).toMatch(/^SMTP-001/);
      expect(err.message).not.toContain('p4ss');
    });
  });

  describe('with a login (an smtp integration)', () => {
    let server: SmtpTestServer;
    beforeAll(async () => (server = await startSmtpServer({ auth: { username: 'reports', password: 's3cret-pw' }, rejectRecipients: ['gone@example.com'] })));
    afterAll(() => server.close());
    const settings = (password: string) => ({ host: 'localhost', port: server.port, secure: false, username: 'reports', password, from: { email: 'reports@example.com' } });

    it('upgrades to TLS before logging in, then delivers', async () => {
      await new SmtpMailer(settings('s3cret-pw'), { tls: { ca: server.ca } }).send({ to: [{ email: 'admin@example.com' }], subject: 'Hi', html: '<b>hi</b>' });
      expect(server.received.at(-1)).toMatchObject({ secure: true, user: 'reports', to: ['admin@example.com'] });
    });

    it('a refused login is final; a refused recipient (5xx) too, and neither message holds the password', async () => {
      const bad = await new SmtpMailer(settings('wrong-pw'), { tls: { ca: server.ca } }).send({ to: [{ email: 'a@example.com' }], subject: 's', html: 'h' }).catch((e) => e);
      expect([bad.code, bad.retryable, /refused the login/.test(bad.message), bad.message.includes('wrong-pw')]).toEqual(['smtp_failed', false, true, false]);
      const gone = await new SmtpMailer(settings('s3cret-pw'), { tls: { ca: server.ca } }).send({ to: [{ email: 'gone@example.com' }], subject: 's', html: 'h' }).catch((e) => e);
      expect([gone.code, gone.retryable, gone.message]).toEqual(['smtp_failed', false, expect.stringContaining('(550)')]);
    });

    it('the connector test fails at TLS against a certificate no public CA signed, before any login', async () => {
      // The connector's own transport trusts public CAs only: against this self-signed server the test fails at TLS, never sending the password in the clear.
      const r = await smtp.test({ config: { host: '127.0.0.1', port: server.port, secure: false, username: 'reports', password: 's3cret-pw', from: 'r@example.com' } } as never);
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^SMTP-001/);
    });
  });

  it('refuses a host the address guard does not allow before connecting', async () => {
    const err = await new SmtpMailer({ host: '10.0.0.8', port: 25, secure: false, from: { email: 'a@example.com' } }).send({ to: [{ email: 'b@example.com' }], subject: 's', html: 'h' }).catch((e) => e);
    expect(err.code).toBe('target_not_allowed');
  });
});
