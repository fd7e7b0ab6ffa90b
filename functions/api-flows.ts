import { createApiHandler } from '../shared/api/handler';
import { flowRoutes } from '../shared/api/flows';
import { lazyApp } from '../shared/handlers/lazy';
import { specs } from '../shared/connectors/specs';

/** `/api/flows…`: flows, their runs, deliveries, assignments and reports; validating a flow compiles its filter and mapping. */
export const routes = flowRoutes;
export const handler = createApiHandler(lazyApp({ specs }), routes);
