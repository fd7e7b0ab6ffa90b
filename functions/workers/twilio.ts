import { twilio } from '../../shared/connectors/twilio';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { webhookApplier } from '../../shared/webhooks/apply';
import { applyTwilioEvent } from '../../shared/webhooks/apply-twilio';

/** The twilio worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp({ connectors: [twilio] }), { applyWebhook: webhookApplier({ twilio: applyTwilioEvent }) });
