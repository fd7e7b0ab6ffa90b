import * as z from 'zod';
import { apiKeyAuth } from '../../http/auth';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { Ga4ConfigSchema, ga4Spec } from './spec';

/** `/debug/mp/collect`'s answer: an empty list means the payload is valid. */
export const Ga4ValidationSchema = z.looseObject({
  validationMessages: z.array(z.looseObject({ fieldPath: z.string().optional(), description: z.string().optional(), validationCode: z.string().optional() })).default([]),
});

/** GA4 Measurement Protocol: auth is the `api_secret` query parameter, the stream is `measurement_id`. */
export const ga4: Connector<typeof Ga4ConfigSchema> = {
  ...ga4Spec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: apiKeyAuth(config.apiSecret, { query: 'api_secret' }) }),
  streams: () => [],
  // The validation server checks a sample event's shape; it does not check api_secret or measurement_id
  // (Google: look for the events in Realtime/DebugView for that), which the message says.
  test: (ctx) =>
    testConnection(ctx, async () => {
      const res = await ctx.http.request({
        method: 'POST',
        url: '/debug/mp/collect',
        query: { measurement_id: ctx.config.measurementId },
        body: { client_id: 'switchboard.test', events: [{ name: 'switchboard_test', params: {} }] },
        stream: 'test',
      });
      const parsed = Ga4ValidationSchema.safeParse(res.body);
      if (!parsed.success) throw new Error('the validation server answered something other than validationMessages');
      return parsed.data;
    }).then((r) => (r.ok ? { ok: true, message: 'The Measurement Protocol validation server accepted a sample event (it does not check the API secret)' } : r)),
};
