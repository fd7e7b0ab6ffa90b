import { SourceError } from '../../errors';
import { redact, scrub } from '../../log';
import type { Connector } from '../types';
import { SlackConfigSchema, slackSpec } from './spec';

/** Slack answers errors as plain-text codes (`no_service`, `invalid_payload`, `channel_is_archived`). */
export function describeSlackError(_status: number, body: unknown): string | undefined {
  return typeof body === 'string' && /^[a-z_]{3,64}$/.test(body.trim()) ? body.trim() : undefined;
}

/** Slack incoming webhooks: the URL is the endpoint and the credential. */
export const slack: Connector<typeof SlackConfigSchema> = {
  ...slackSpec,
  // The hook's path is its token: registered as a secret, so it is scrubbed from every log line and message
  // (the client names the path it called in its errors).
  http: (config) => (redact(new URL(config.webhookUrl).pathname), { describeError: describeSlackError }),
  streams: () => [],
  // An empty message posts nothing: a live hook refuses it with 400 `no_text` / `invalid_payload`, a dead one
  // answers 404 `no_service`, 403 `invalid_token` or 410 `channel_is_archived`.
  async test(ctx) {
    try {
      await ctx.http.request({ method: 'POST', url: ctx.config.webhookUrl, body: {}, okStatuses: [400], stream: 'test' });
      return { ok: true, message: 'The incoming webhook exists (an empty test message was refused, nothing was posted)' };
    } catch (err) {
      if (err instanceof SourceError) return { ok: false, message: scrub(err.message) };
      throw err;
    }
  },
};
