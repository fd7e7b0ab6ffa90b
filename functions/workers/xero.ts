import { xero } from '../../shared/connectors/xero';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The xero worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [xero] }));
