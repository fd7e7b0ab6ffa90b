import type * as z from 'zod';
import type { Ga4ActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';

type Ga4Action = z.infer<typeof Ga4ActionSchema>;

/** GA4 drops a string param longer than this silently (500 on GA 360). */
const MAX_PARAM_TEXT = 100;

/**
 * One event through the Measurement Protocol (`POST /mp/collect?measurement_id=…&api_secret=…`, the `ga4`
 * integration's stream). GA4 answers 2xx to anything, even an event it drops, so the limits are checked here
 * first and a breach fails the step with the reason. https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 */
export const ga4Sender: ActionSender<Ga4Action> = {
  type: 'ga4',
  async send(ctx, action, f) {
    const clientId = str(f.clientId);
    if (!clientId) return { status: 'skipped', reason: 'no client id (clientId is empty)' };
    const params = (f.params ?? {}) as Record<string, unknown>;
    const long = Object.entries(params).find(([, v]) => typeof v === 'string' && v.length > MAX_PARAM_TEXT);
    if (long) return { status: 'failed', reason: `GA4 param ${long[0]} is longer than ${MAX_PARAM_TEXT} characters (GA4 would drop it)`, retryable: false };
    const body = { client_id: clientId, ...(f.userId ? { user_id: str(f.userId) } : {}), events: [{ name: action.event, params }] };
    try {
      await ctx.http.request({ method: 'POST', url: '/mp/collect', query: { measurement_id: String(ctx.config.measurementId) }, body, stream: 'ga4' });
      return { status: 'sent' };
    } catch (err) {
      return failure(err);
    }
  },
};
