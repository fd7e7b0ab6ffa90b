import type { LocalStackOptions } from './stack';

/** Webhook routes and the event applier for the local stack (filled in by the webhooks module). */
export function localWebhooks(): Pick<LocalStackOptions, 'extraRoutes' | 'applyWebhook'> {
  return {};
}
