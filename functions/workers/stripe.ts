import { stripe } from '../../shared/connectors/stripe';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The stripe worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [stripe] }));
