import { database } from '../../shared/connectors/database';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The database worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [database] }));
