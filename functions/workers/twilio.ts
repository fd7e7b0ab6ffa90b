import { twilio } from '../../shared/connectors/twilio';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { applyWebhookEvent } from '../../shared/webhooks/apply';

/** The twilio worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp([twilio]), { applyWebhook: applyWebhookEvent });
