import { cdk } from '../../shared/connectors/cdk';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';
import { webhookApplier } from '../../shared/webhooks/apply';
import { applyCdkEvent } from '../../shared/webhooks/apply-cdk';

/** The cdk worker: its own queue, bundle and role. Applies sync runs and webhook events alike. */
export const handler = workerHandler(lazyApp({ connectors: [cdk] }), { applyWebhook: webhookApplier({ cdk: applyCdkEvent }) });
