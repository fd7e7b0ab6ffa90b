import { jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake Slack incoming webhook (https://api.slack.com/messaging/webhooks): `POST /services/<T>/<B>/<token>` with
 * a JSON `{text, blocks}` answers 200 `ok` (text/html, as Slack does); errors are plain-text codes: 400
 * `invalid_payload` (not JSON) / `no_text` (neither text nor blocks), 404 `no_service` (unknown or revoked hook),
 * 410 `channel_is_archived`, and 429 with `Retry-After` (seconds) beyond the rate (one message a second, short
 * bursts allowed: https://api.slack.com/apis/rate-limits).
 */
export interface SlackSandbox extends RunningServer {
  /** The hook URL that works. */
  hookUrl: string;
  received: Array<{ text?: string; blocks?: unknown[] }>;
  /** Answers of every request, in order. */
  statuses: number[];
  /** The next `n` posts answer 429 with `Retry-After: seconds`. */
  rateLimitNext(n: number, seconds?: number): void;
  /** The hook is revoked: 404 `no_service` from now on. */
  revoke(): void;
}

export async function startSlackSandbox(): Promise<SlackSandbox> {
  const text = jsonSender('text/html');
  const path = '/services/T0SANDBOX/B0SANDBOX/sandbox0token0abcdef123456';
  const received: SlackSandbox['received'] = [];
  const statuses: number[] = [];
  let limited: number[] = [];
  let revoked = false;
  const server = await startServer(
    async (req, res) => {
      const raw = await readBody(req);
      const reply = (status: number, body: string, headers?: Record<string, string>) => {
        statuses.push(status);
        text(res, status, body, headers);
      };
      if (req.method !== 'POST' || urlOf(req).pathname !== path || revoked) return reply(404, 'no_service');
      const wait = limited.shift();
      if (wait !== undefined) return reply(429, 'rate_limited', { 'retry-after': String(wait) });
      let body: { text?: string; blocks?: unknown[] };
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(400, 'invalid_payload');
      }
      if (!body || typeof body !== 'object' || (!body.text && !(Array.isArray(body.blocks) && body.blocks.length))) return reply(400, 'no_text');
      received.push(body);
      reply(200, 'ok');
    },
    (res, err) => text(res, 500, err.message),
  );
  return {
    ...server,
    hookUrl: server.url + path,
    received,
    statuses,
    rateLimitNext: (n, seconds = 1) => void (limited = Array.from({ length: n }, () => seconds)),
    revoke: () => void (revoked = true),
  };
}
