import { shopify } from '../../shared/connectors/shopify';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The shopify worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [shopify] }));
