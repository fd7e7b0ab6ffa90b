import { hubspot } from '../../shared/connectors/hubspot';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { webhookApplier } from '../../shared/webhooks/apply';
import { applyHubspotEvent } from '../../shared/webhooks/apply-hubspot';

/** The hubspot worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp({ connectors: [hubspot] }), { applyWebhook: webhookApplier({ hubspot: applyHubspotEvent }) });
