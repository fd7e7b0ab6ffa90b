import type * as z from 'zod';
import { timestampedSignature } from '../crypto/timestamped';
import type { WebhookActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';

type WebhookAction = z.infer<typeof WebhookActionSchema>;

/**
 * The rendered body as JSON to a `custom_api` integration's endpoint (its base URL and auth), signed the way our
 * notifications are (X-Switchboard-Timestamp, X-Switchboard-Signature = hex HMAC-SHA256(token, timestamp + "." +
 * body), shared/notify/sign.ts) when the integration has a `token`, with X-Switchboard-Event `flow.action` and
 * X-Switchboard-Delivery (the same for every attempt at this record's step, for receivers to dedupe). The body
 * is the action's own shape, so a Zapier catch hook takes it unchanged.
 */
export const webhookSender: ActionSender<WebhookAction> = {
  type: 'webhook',
  async send(ctx, action, f) {
    const body = JSON.stringify(f.body ?? {});
    const token = typeof ctx.config.token === 'string' ? ctx.config.token : undefined;
    const ts = String(Math.floor(ctx.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-switchboard-event': 'flow.action',
      'x-switchboard-delivery': ctx.deliveryId,
      ...(token ? { 'x-switchboard-timestamp': ts, 'x-switchboard-signature': timestampedSignature(token, ts, body) } : {}),
    };
    try {
      const res = await ctx.http.request<{ id?: unknown } | null>({ method: action.method, url: str(f.path) ?? '/', headers, body, stream: 'webhook' });
      const id = res.body && typeof res.body === 'object' ? res.body.id : undefined;
      return { status: 'sent', ...(typeof id === 'string' || typeof id === 'number' ? { id: String(id) } : {}) };
    } catch (err) {
      return failure(err);
    }
  },
};
