import { callrail } from '../../shared/connectors/callrail';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The callrail worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [callrail] }));
