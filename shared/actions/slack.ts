import type * as z from 'zod';
import type { SlackActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';

type SlackAction = z.infer<typeof SlackActionSchema>;

/** Slack asks for &, < and > to be escaped in mrkdwn: record values go in escaped, so a value cannot inject a link or mention. */
const escape = (v: unknown): unknown =>
  typeof v === 'string' ? v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : Array.isArray(v) ? v.map(escape) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escape(x)])) : v;

/**
 * A message through the `slack` integration's incoming webhook: `{text, blocks}` (Block Kit; without `blocks`, one
 * mrkdwn section of `text`). 200 `ok` is sent; 404 `no_service`, 410 `channel_is_archived` are final; 429 waits
 * out Retry-After. https://api.slack.com/messaging/webhooks
 */
export const slackSender: ActionSender<SlackAction> = {
  type: 'slack',
  prepare: (data) => escape(data) as Record<string, unknown>,
  async send(ctx, _action, f) {
    const text = str(f.text) ?? '';
    const blocks = Array.isArray(f.blocks) && f.blocks.length ? f.blocks : [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }];
    try {
      await ctx.http.request({ method: 'POST', url: String(ctx.config.webhookUrl), body: { text, blocks }, stream: 'slack' });
      return { status: 'sent' };
    } catch (err) {
      return failure(err);
    }
  },
};
