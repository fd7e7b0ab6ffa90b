import { notificationRoutes, summaryRoutes } from '../api/notifications';
import { webhookApplier } from '../webhooks/apply';
import { applyCdkEvent, applyGenericEvent } from '../webhooks/apply-cdk';
import { applyHubspotEvent } from '../webhooks/apply-hubspot';
import { applyTwilioEvent } from '../webhooks/apply-twilio';
import { webhookRoutes } from '../api/webhooks';
import { webhookSettingsRoutes } from '../api/webhook-settings';
import type { LocalStackOptions } from './stack';

/**
 * Webhook routes (public receivers and settings), notification routes and the webhook event applier for the
 * local stack: one HTTP server serves what AWS splits between the `webhooks` and `settings` functions.
 */
export function localWebhooks(): Pick<LocalStackOptions, 'extraRoutes' | 'applyWebhook'> {
  return {
    extraRoutes: (app) => [...webhookRoutes(app), ...webhookSettingsRoutes(app), ...notificationRoutes(app), ...summaryRoutes(app)],
    applyWebhook: webhookApplier({ hubspot: applyHubspotEvent, twilio: applyTwilioEvent, cdk: applyCdkEvent, generic: applyGenericEvent }),
  };
}
