import { jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake SendGrid v3 API (shared/api-facts/sendgrid.md):
 * - `POST /v3/mail/send`: `Authorization: Bearer <key>`; 202 with no body and `X-Message-Id`; a body without
 *   `personalizations[].to`, `from.email`, `subject` (unless a template) or `content` answers 400
 *   `{"errors":[{"message","field","help"}]}`; an attachment's `content` must be base64;
 * - 401 `{"errors":[{"field":null,"message":"authorization required"}]}` for a wrong key;
 * - `GET /v3/scopes` → `{"scopes": [...]}` (the key's permissions);
 * - every answer carries X-RateLimit-Limit/Remaining/Reset (unix seconds); a queued 429 answers
 *   `{"errors":[{"field":null,"message":"too many requests"}]}`, with Retry-After when asked.
 */
export interface SentMail {
  body: Record<string, any>;
  messageId: string;
}

export interface SendGridSandbox extends RunningServer {
  sent: SentMail[];
  /** Every request's path and status, in order. */
  requests: { path: string; status: number }[];
  /** The next mail sends answer 429, with `Retry-After: retryAfter` seconds when given, else only X-RateLimit-Reset. */
  throttleNext(count: number, opts: { retryAfter?: number; resetAt?: number }): void;
}

const send = jsonSender('application/json');
const err = (message: string, field: string | null = null, help?: string) => ({ errors: [{ message, field, ...(help ? { help } : {}) }] });

export async function startSendGridSandbox(opts: { apiKey: string; scopes?: string[] }): Promise<SendGridSandbox> {
  const sent: SentMail[] = [];
  const requests: SendGridSandbox['requests'] = [];
  const throttles: { retryAfter?: number; resetAt?: number }[] = [];
  let n = 0;
  const server = await startServer(
    async (req, res) => {
      const url = urlOf(req);
      const reset = String(Math.floor(Date.now() / 1000) + 60);
      const limits = { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599', 'x-ratelimit-reset': reset };
      if (req.headers.authorization !== `Bearer ${opts.apiKey}`) return send(res, 401, err('authorization required'), limits);
      if (req.method === 'GET' && url.pathname === '/v3/scopes') return send(res, 200, { scopes: opts.scopes ?? ['mail.send'] }, limits);
      if (req.method !== 'POST' || url.pathname !== '/v3/mail/send') return send(res, 404, err('resource not found'), limits);
      const t = throttles.shift();
      if (t) {
        const headers = { ...limits, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(t.resetAt ?? reset), ...(t.retryAfter !== undefined ? { 'retry-after': String(t.retryAfter) } : {}) };
        return send(res, 429, err('too many requests'), headers);
      }
      let body: Record<string, any>;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, err('Bad Request', null, 'The request body is not valid JSON'), limits);
      }
      const problem = check(body);
      if (problem) return send(res, 400, err(problem.message, problem.field, 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html'), limits);
      const messageId = `sg${++n}.filter0001`;
      sent.push({ body, messageId });
      return send(res, 202, undefined, { ...limits, 'x-message-id': messageId });
    },
    (res, e) => send(res, 500, err(e.message)),
    { onFinish: (req, res) => requests.push({ path: urlOf(req).pathname, status: res.statusCode }) },
  );
  return { ...server, sent, requests, throttleNext: (count, t) => throttles.push(...Array.from({ length: count }, () => t)) };
}

/** The mail send body rules this sandbox enforces, with SendGrid's field names. */
function check(b: Record<string, any>): { message: string; field: string } | undefined {
  const ps = b.personalizations;
  if (!Array.isArray(ps) || ps.length === 0 || ps.length > 1000) return { message: 'The personalizations field is required and must have at least one personalization.', field: 'personalizations' };
  for (const [i, p] of ps.entries()) {
    if (!Array.isArray(p.to) || !p.to.length || p.to.some((t: any) => typeof t?.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(t.email)))
      return { message: 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.', field: `personalizations.${i}.to` };
  }
  if (typeof b.from?.email !== 'string') return { message: 'The from object must be provided for every email send.', field: 'from.email' };
  if (!b.template_id && typeof b.subject !== 'string' && !ps.every((p: any) => typeof p.subject === 'string')) return { message: 'The subject is required.', field: 'subject' };
  if (!b.template_id && (!Array.isArray(b.content) || !b.content.length)) return { message: 'Unless a valid template_id is provided, the content parameter is required.', field: 'content' };
  if (Array.isArray(b.content) && b.content.length > 1 && b.content[0].type !== 'text/plain') return { message: 'If present, text/plain content must be first.', field: 'content.0.type' };
  for (const [i, a] of (b.attachments ?? []).entries()) {
    if (typeof a.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content)) return { message: 'The attachment content must be base64 encoded.', field: `attachments.${i}.content` };
    if (a.disposition === 'inline' && !a.content_id) return { message: 'The content_id parameter is required when disposition is inline.', field: `attachments.${i}.content_id` };
  }
  return undefined;
}
