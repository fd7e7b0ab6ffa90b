import { marketsharp } from '../../shared/connectors/marketsharp';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The marketsharp worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [marketsharp] }));
