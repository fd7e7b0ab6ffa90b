import { notificationRoutes } from '../notify/routes';
import { applyWebhookEvent } from '../webhooks/apply';
import { webhookRoutes } from '../webhooks/routes';
import type { LocalStackOptions } from './stack';

/** Webhook routes, notification routes and the webhook event applier for the local stack. */
export function localWebhooks(): Pick<LocalStackOptions, 'extraRoutes' | 'applyWebhook'> {
  return {
    extraRoutes: (app) => [...webhookRoutes(app), ...notificationRoutes(app)],
    applyWebhook: applyWebhookEvent,
  };
}
