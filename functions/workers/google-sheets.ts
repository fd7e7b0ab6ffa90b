import { googleSheets } from '../../shared/connectors/google-sheets';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The google_sheets worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [googleSheets] }));
