import { mailchimp } from '../../shared/connectors/mailchimp';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The mailchimp worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [mailchimp] }));
