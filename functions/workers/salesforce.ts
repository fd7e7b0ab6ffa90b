import { salesforce } from '../../shared/connectors/salesforce';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The salesforce worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [salesforce] }));
