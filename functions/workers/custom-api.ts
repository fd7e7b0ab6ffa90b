import { customApi } from '../../shared/connectors/custom-api';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The custom_api worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp([customApi]));
