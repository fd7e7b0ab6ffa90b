import { createApiHandler } from '../shared/api/handler';
import { integrationRoutes } from '../shared/api/routes';
import { apiKeyRoutes } from '../shared/api/keys';
import { signInRoutes } from '../shared/api/sign-in';
import { userRoutes } from '../shared/api/users';
import { builtOpenApi, openApiRoute } from '../shared/api/openapi-route';
import { lazyApp } from '../shared/handlers/lazy';
import { specs } from '../shared/connectors/specs';
import type { App } from '../shared/services/app';

/**
 * HTTP API: integrations CRUD, sync requests, runs, data, metrics, activity, API keys, people, SSO sign-in and the
 * OpenAPI document; every other /api path too (a 404). No connector code, no kms:Decrypt. Flows (functions/api-flows.ts)
 * and exports and imports (functions/api-bulk.ts) have their own functions, so none of their code loads here.
 */
export const routes = (app: App) => [...integrationRoutes(app), ...apiKeyRoutes(app), ...userRoutes(app), ...signInRoutes(app), ...openApiRoute(builtOpenApi)];
export const handler = createApiHandler(lazyApp({ specs }), routes);
