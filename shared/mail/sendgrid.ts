import { SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import type { MailAddress, Mailer, MailMessage, MailResult } from './types';

/** SendGrid's error body: `{"errors":[{"message","field","help"}]}` (api-facts/sendgrid.md). */
export function describeSendGridError(_status: number, body: unknown): string | undefined {
  const errors = (body as { errors?: { message?: unknown; field?: unknown }[] } | null)?.errors;
  if (!Array.isArray(errors) || !errors.length) return undefined;
  return errors
    .slice(0, 5)
    .map((e) => `${typeof e.field === 'string' && e.field ? `${e.field}: ` : ''}${String(e.message ?? '')}`.slice(0, 200))
    .join('; ');
}

/**
 * A 429 that names no Retry-After still says when the window reopens: X-RateLimit-Reset, unix seconds. Returned
 * as a retryable fault so the client waits until then (within its budget) instead of guessing.
 */
function rateLimitReset(status: number, _body: unknown, headers: Record<string, string>): SourceError | undefined {
  if (status !== 429) return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return new SourceError('rate_limited', 'Rate Limit Exceeded: sendgrid POST /v3/mail/send answered 429', { status, retryable: true, retryAt: reset * 1000 });
}

const address = (a: MailAddress) => (a.name ? { email: a.email, name: a.name.replace(/[;,]/g, ' ') } : { email: a.email });

/**
 * SendGrid v3 mail send (POST /v3/mail/send → 202, id in X-Message-Id) through the one HTTP client, whose base
 * URL and Bearer key come from the `sendgrid` integration. Text before HTML (SendGrid requires that order);
 * images with a `cid` go inline.
 */
export class SendGridMailer implements Mailer {
  constructor(
    private readonly http: HttpClient,
    private readonly from?: MailAddress,
  ) {}

  async send(msg: MailMessage): Promise<MailResult> {
    const from = msg.from ?? this.from;
    if (!from) throw new SourceError('mail_no_sender', 'No sender address: set sender_email (SendGrid needs a verified sender).');
    const content = [...(msg.text !== undefined ? [{ type: 'text/plain', value: msg.text }] : []), { type: 'text/html', value: msg.html }];
    const res = await this.http.request({
      method: 'POST',
      url: '/v3/mail/send',
      stream: 'mail',
      body: {
        personalizations: [{ to: msg.to.map(address) }],
        from: address(from),
        subject: msg.subject,
        content,
        ...(msg.attachments?.length
          ? {
              attachments: msg.attachments.map((a) => ({
                content: a.content.toString('base64'),
                type: a.contentType,
                filename: a.filename,
                ...(a.cid ? { disposition: 'inline', content_id: a.cid } : { disposition: 'attachment' }),
              })),
            }
          : {}),
      },
      fault: rateLimitReset,
    });
    return { messageId: res.headers['x-message-id'] };
  }
}
