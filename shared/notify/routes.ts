import { z } from 'zod';
import type { Route } from '../api/router';
import { NotFoundError } from '../errors';
import type { App } from '../services/app';
import { parse } from '../validate';
import { channelView, createChannel } from './service';
import { NotificationStore } from './store';

const LimitQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Per-tenant notification channels and the delivery log. */
export function notificationRoutes(app: App): Route[] {
  const store = new NotificationStore(app.db);
  return [
    {
      method: 'POST',
      path: '/api/notifications/channels',
      auth: true,
      handle: async (req) => ({ status: 201, body: await createChannel(app, req.tenantId!, req.body) }),
    },
    {
      method: 'GET',
      path: '/api/notifications/channels',
      auth: true,
      handle: async (req) => ({ status: 200, body: { channels: (await store.channels(req.tenantId!)).map(channelView) } }),
    },
    {
      method: 'DELETE',
      path: '/api/notifications/channels/{id}',
      auth: true,
      handle: async (req) => {
        if (!(await store.deleteChannel(req.tenantId!, req.params.id))) throw new NotFoundError('channel', 'channel_not_found');
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/api/notifications/deliveries',
      auth: true,
      handle: async (req) => {
        const q = parse(LimitQuerySchema, req.query, 'query');
        return { status: 200, body: { deliveries: await store.deliveries(req.tenantId!, q.limit) } };
      },
    },
  ];
}
