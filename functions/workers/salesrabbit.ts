import { salesrabbit } from '../../shared/connectors/salesrabbit';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The salesrabbit worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [salesrabbit] }));
