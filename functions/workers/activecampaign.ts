import { activecampaign } from '../../shared/connectors/activecampaign';
import { lazyApp } from '../../shared/handlers/lazy';
import { workerHandler } from '../../shared/handlers/worker';

/** The activecampaign worker: its own queue, bundle and role. */
export const handler = workerHandler(lazyApp({ connectors: [activecampaign] }));
