import { reynolds } from '../../shared/connectors/reynolds';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The reynolds worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [reynolds] }));
