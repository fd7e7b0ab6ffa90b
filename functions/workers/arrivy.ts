import { arrivy } from '../../shared/connectors/arrivy';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The arrivy worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [arrivy] }));
