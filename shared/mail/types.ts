/** One mail-sending interface; SMTP (smtp.ts) and SendGrid (sendgrid.ts) implement it. */

export interface MailAddress {
  email: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Set for an image the HTML shows inline (`<img src="cid:…">`); otherwise an ordinary attachment. */
  cid?: string;
}

export interface MailMessage {
  /** Default: the sender's configured `from`. */
  from?: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  /** The plain-text part, for clients that show no HTML. */
  text?: string;
  attachments?: MailAttachment[];
}

export interface MailResult {
  /** The provider's id of the message (SMTP Message-ID, SendGrid X-Message-Id), when it gave one. */
  messageId?: string;
}

/**
 * Sends one message to all its `to` addresses. Failures are `SourceError`s with code `smtp_failed` or the HTTP
 * client's codes (auth_failed, rate_limited, …); `retryable` says whether sending again later may work.
 * @example await mailer.send({ to: [{ email: 'admin@example.com' }], subject: 'Report', html: '<p>…</p>' });
 */
export interface Mailer {
  send(msg: MailMessage): Promise<MailResult>;
}

/** `Name <address>` for headers; the name quoted so commas and semicolons cannot split it into two addresses. */
export function formatAddress(a: MailAddress): string {
  return a.name ? `"${a.name.replace(/["\\\r\n]/g, '')}" <${a.email}>` : a.email;
}

/** Reads `Name <address>` or a bare address (an `smtp` integration's `from`). */
export function parseAddress(s: string): MailAddress {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(s);
  return m ? { email: m[2].trim(), ...(m[1].trim() ? { name: m[1].trim() } : {}) } : { email: s.trim() };
}
