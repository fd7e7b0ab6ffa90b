import { createApiHandler } from '../shared/api/handler';
import { integrationRoutes } from '../shared/api/routes';
import { flowRoutes } from '../shared/api/flows';
import { apiKeyRoutes } from '../shared/api/keys';
import { signInRoutes } from '../shared/api/sign-in';
import { userRoutes } from '../shared/api/users';
import { openApiRoutes } from '../shared/api/openapi';
import { bulkRoutes } from '../shared/api/bulk';
import { exportFilesFromEnv } from '../shared/blobs/s3';
import { lazyApp } from '../shared/handlers/lazy';

/** HTTP API: integrations CRUD, sync requests, runs, data, exports and imports, metrics, flows, API keys, people and SSO sign-in. No connector code, no kms:Decrypt. */
export const handler = createApiHandler(lazyApp(), (app) => [...integrationRoutes(app), ...bulkRoutes(app, exportFilesFromEnv), ...flowRoutes(app), ...apiKeyRoutes(app), ...userRoutes(app), ...signInRoutes(app), ...openApiRoutes(app)]);
