import { quickbooks } from '../../shared/connectors/quickbooks';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The quickbooks worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [quickbooks] }));
