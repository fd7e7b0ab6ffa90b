import { salespro } from '../../shared/connectors/salespro';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The salespro worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [salespro] }));
