import { zoho } from '../../shared/connectors/zoho';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The zoho worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [zoho] }));
