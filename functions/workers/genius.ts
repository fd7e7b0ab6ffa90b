import { genius } from '../../shared/connectors/genius';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The genius worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [genius] }));
