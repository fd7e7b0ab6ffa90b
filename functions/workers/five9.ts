import { five9 } from '../../shared/connectors/five9';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The five9 worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [five9] }));
