import * as z from 'zod';
import type { Route } from './router';
import { NotFoundError } from '../errors';
import { NotificationChannelInputSchema } from '../notify/events';
import type { App } from '../services/app';
import { parse } from '../validate';
import { channelView, createChannel } from '../notify/service';
import { NotificationStore } from '../notify/store';
import { sendTenantSummary } from '../notify/summary';

const LimitQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Per-tenant notification channels and the delivery log. */
export function notificationRoutes(app: App): Route[] {
  const store = new NotificationStore(app.db);
  return [
    {
      method: 'POST',
      path: '/api/notifications/channels',
      auth: true,
      body: NotificationChannelInputSchema,
      summary: 'Add a Slack or signed-webhook channel',
      responses: { 201: { description: 'The channel (a webhook channel with its signing secret, shown once)', body: (r) => r.ChannelCreatedSchema } },
      errors: ['undeliverable_url'],
      handle: async (req) => ({ status: 201, body: await createChannel(app, req.tenantId!, req.body) }),
    },
    {
      method: 'GET',
      path: '/api/notifications/channels',
      auth: true,
      summary: "The tenant's channels",
      responses: { 200: { description: 'The channels', body: (r) => z.strictObject({ channels: z.array(r.ChannelSchema) }) } },
      handle: async (req) => ({ status: 200, body: { channels: (await store.channels(req.tenantId!)).map(channelView) } }),
    },
    {
      method: 'DELETE',
      path: '/api/notifications/channels/{id}',
      auth: true,
      summary: 'Remove a channel',
      responses: { 204: { description: 'Removed' } },
      errors: ['channel_not_found'],
      handle: async (req) => {
        if (!(await store.deleteChannel(req.tenantId!, req.params.id))) throw new NotFoundError('channel', 'channel_not_found');
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/api/notifications/deliveries',
      auth: true,
      query: LimitQuerySchema,
      summary: 'The delivery log, newest first',
      responses: { 200: { description: 'The deliveries', body: (r) => z.strictObject({ deliveries: z.array(r.NotificationDeliverySchema) }) } },
      handle: async (req) => {
        const q = parse(LimitQuerySchema, req.query, 'query');
        return { status: 200, body: { deliveries: await store.deliveries(req.tenantId!, q.limit) } };
      },
    },
  ];
}

/** `{}` or `{ "date": "2026-11-30" }`: the UTC day to summarise (default: yesterday, as the scheduled send). */
export const SummaryRequestSchema = z.strictObject({ date: z.iso.date().optional() });

/**
 * `POST /api/notifications/summary`: the tenant's daily summary, queued now to its channels subscribed to it,
 * and answered with how many deliveries were queued. Deployed on the dailySummary function, which may send to the
 * notifications queue (the settings function may not).
 */
export function summaryRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/notifications/summary',
      auth: true,
      body: SummaryRequestSchema,
      summary: "Queue the tenant's daily summary now",
      responses: { 202: { description: 'The summary and how many deliveries were queued', body: (r) => r.SummaryQueuedSchema } },
      handle: async (req) => {
        const { date } = parse(SummaryRequestSchema, req.body ?? {}, 'body');
        return { status: 202, body: await sendTenantSummary(app, req.tenantId!, date) };
      },
    },
  ];
}
