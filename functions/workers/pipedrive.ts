import { pipedrive } from '../../shared/connectors/pipedrive';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The pipedrive worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [pipedrive] }));
