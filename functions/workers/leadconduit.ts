import { leadconduit } from '../../shared/connectors/leadconduit';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The leadconduit worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [leadconduit] }));
