import { hubspot } from '../../shared/connectors/hubspot';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The hubspot worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp([hubspot]));
