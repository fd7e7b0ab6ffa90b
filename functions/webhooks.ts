import { createApiHandler } from '../shared/api/handler';
import { lazyApp } from '../shared/handlers/lazy';
import { notificationRoutes } from '../shared/notify/routes';
import { webhookRoutes } from '../shared/webhooks/routes';

/**
 * `POST /webhooks/*`: verify on the raw bytes, dedupe, enqueue, answer fast; plus the webhook and notification
 * settings routes. createApiHandler always carries the integrations routes too; API Gateway only sends
 * /webhooks/* (and /api/integrations/{id}/webhook|events, /api/notifications/*) here.
 */
export const handler = createApiHandler(lazyApp(), (app) => [...webhookRoutes(app), ...notificationRoutes(app)]);
