import { ringcentral } from '../../shared/connectors/ringcentral';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The ringcentral worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [ringcentral] }));
