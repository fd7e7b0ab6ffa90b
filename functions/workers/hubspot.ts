import { hubspot } from '../../shared/connectors/hubspot';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { applyWebhookEvent } from '../../shared/webhooks/apply';

/** The hubspot worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp([hubspot]), { applyWebhook: applyWebhookEvent });
