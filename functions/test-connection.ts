import { createApiHandler } from '../shared/api/handler';
import { connectionTestRoutes } from '../shared/api/test-route';
import { connectors } from '../shared/connectors/all';
import { lazyApp } from '../shared/handlers/lazy';

/** `POST /api/integrations/{id}/test`: the one HTTP route that opens secrets, so it has its own role. */
export const handler = createApiHandler(lazyApp({ connectors }), connectionTestRoutes);
