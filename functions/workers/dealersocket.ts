import { dealersocket } from '../../shared/connectors/dealersocket';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The dealersocket worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [dealersocket] }));
