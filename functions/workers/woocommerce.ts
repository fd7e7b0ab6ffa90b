import { woocommerce } from '../../shared/connectors/woocommerce';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The woocommerce worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [woocommerce] }));
