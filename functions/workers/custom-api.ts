import { customApi } from '../../shared/connectors/custom-api';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { webhookApplier } from '../../shared/webhooks/apply';
import { applyGenericEvent } from '../../shared/webhooks/apply-cdk';

/** The custom_api worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp({ connectors: [customApi] }), { applyWebhook: webhookApplier({ generic: applyGenericEvent }) });
