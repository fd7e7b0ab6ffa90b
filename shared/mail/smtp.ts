import type { ConnectionOptions } from 'node:tls';
import { SourceError } from '../errors';
import { assertAllowedTarget } from '../http/target';
import type { LookupAll } from '../http/ssrf';
import { formatAddress, type MailAddress, type Mailer, type MailMessage, type MailResult } from './types';

/** Where and as whom to send: an `smtp` integration's config, or seed 004's email_config.json (no credentials). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). */
  secure: boolean;
  /** Refuse to go on without STARTTLS. Default: whenever a password would be sent, so it never crosses in the clear. */
  requireTLS?: boolean;
  username?: string;
  password?: string;
  from?: MailAddress;
}

export interface SmtpOptions {
  lookup?: LookupAll;
  /** Extra TLS options (tests trust their server's self-signed certificate). */
  tls?: ConnectionOptions;
  timeoutMs?: number;
}

/**
 * SMTP through nodemailer. The host passes the same address guard as database hosts (http/target.ts), and the
 * connection goes to the address that was checked (the name only names the TLS certificate), so a second DNS
 * answer cannot move it. A reply code 4xx or a dropped connection is retryable; 5xx and refused logins are not.
 * Failures are SMTP-001 of seed 004 ("Failed to send email: verify SMTP settings").
 */
export class SmtpMailer implements Mailer {
  constructor(
    private readonly settings: SmtpSettings,
    private readonly opts: SmtpOptions = {},
  ) {}

  async send(msg: MailMessage): Promise<MailResult> {
    const from = msg.from ?? this.settings.from;
    if (!from) throw new SourceError('smtp_failed', 'SMTP-001: no sender address (set from on the integration or sender_email)');
    const transport = await this.transport();
    try {
      const info = await transport.sendMail({
        from: formatAddress(from),
        to: msg.to.map(formatAddress),
        subject: msg.subject,
        html: msg.html,
        ...(msg.text !== undefined ? { text: msg.text } : {}),
        attachments: msg.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}) })),
      });
      return { messageId: info.messageId };
    } catch (err) {
      throw smtpError(err, this.settings.host);
    } finally {
      transport.close();
    }
  }

  /** Connects, says EHLO, upgrades to TLS when due and logs in: the connection test. */
  async verify(): Promise<void> {
    const transport = await this.transport();
    try {
      await transport.verify();
    } catch (err) {
      throw smtpError(err, this.settings.host);
    } finally {
      transport.close();
    }
  }

  private async transport() {
    const s = this.settings;
    const { address } = await assertAllowedTarget(s.host, { lookup: this.opts.lookup });
    const timeout = this.opts.timeoutMs ?? 20_000;
    // Loaded on first send: most functions that can mail rarely do, and nodemailer is a fifth of their init.
    const { createTransport } = await import('nodemailer');
    return createTransport({
      host: address,
      port: s.port,
      secure: s.secure,
      requireTLS: !s.secure && (s.requireTLS ?? s.password !== undefined),
      ...(s.username !== undefined && s.password !== undefined ? { auth: { user: s.username, pass: s.password } } : {}),
      tls: { servername: s.host, ...this.opts.tls },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }
}

const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED']);

/** nodemailer's error as ours: its `code` and the server's reply code decide retrying; no credentials in the text. */
function smtpError(err: unknown, host: string): SourceError {
  if (err instanceof SourceError) return err;
  const e = err as { code?: string; responseCode?: number; message?: string };
  const retryable = (e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500) || (e.responseCode === undefined && RETRYABLE_CODES.has(e.code ?? ''));
  const why = e.code === 'EAUTH' ? 'the server refused the login' : (e.message ?? 'unknown error').replace(/\s+/g, ' ').slice(0, 300);
  return new SourceError('smtp_failed', `SMTP-001: sending through ${host} failed: ${why}${e.responseCode ? ` (${e.responseCode})` : ''}`, { retryable });
}
