import type * as z from 'zod';
import { parseAddress } from '../mail/types';
import type { EmailActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';

type EmailAction = z.infer<typeof EmailActionSchema>;

const escapeHtml = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
    : Array.isArray(v) ? v.map(escapeHtml) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeHtml(x)])) : v;

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
/** At most this many recipients per message (SendGrid allows 1,000 per request; a record rarely names more than a few). */
const MAX_TO = 50;

/**
 * A mail per record through the `smtp` or `sendgrid` integration's mailer (shared/mail, the one the reports use),
 * from the integration's sender. `to` may list several addresses (`,` or `;`); record values in `html` are
 * HTML-escaped, so a value cannot inject markup or links.
 */
export const emailSender: ActionSender<EmailAction> = {
  type: 'email',
  prepare: (data, field) => (field === 'html' ? (escapeHtml(data) as Record<string, unknown>) : data),
  async send(ctx, _action, f) {
    const to = (str(f.to) ?? '').split(/[,;]/).map((s) => s.trim()).filter(Boolean).map(parseAddress);
    if (!to.length) return { status: 'skipped', reason: 'no recipient (to is empty)' };
    const bad = to.find((a) => !EMAIL.test(a.email));
    if (bad) return { status: 'failed', reason: `${bad.email} is not an email address`, retryable: false };
    if (to.length > MAX_TO) return { status: 'failed', reason: `${to.length} recipients; at most ${MAX_TO}`, retryable: false };
    try {
      const res = await ctx.mailer!.send({ to, subject: (str(f.subject) ?? '').replace(/[\r\n]+/g, ' '), html: str(f.html) ?? '', ...(f.text !== undefined ? { text: str(f.text) } : {}) });
      return { status: 'sent', ...(res.messageId ? { id: res.messageId } : {}) };
    } catch (err) {
      return failure(err);
    }
  },
};
