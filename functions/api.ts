import { createApiHandler } from '../shared/api/handler';
import { integrationRoutes } from '../shared/api/routes';
import { flowRoutes } from '../shared/api/flows';
import { apiKeyRoutes } from '../shared/api/keys';
import { signInRoutes } from '../shared/api/sign-in';
import { userRoutes } from '../shared/api/users';
import { openApiRoutes } from '../shared/api/openapi';
import { bulkRoutes } from '../shared/api/bulk';
import { lazyApp } from '../shared/handlers/lazy';
import { specs } from '../shared/connectors/specs';

/** The S3 client, its uploader and presigner load with the first large export, not with every cold start. */
const exportFiles = () => import('../shared/blobs/s3').then((m) => m.exportFilesFromEnv());

/** HTTP API: integrations CRUD, sync requests, runs, data, exports and imports, metrics, flows, API keys, people and SSO sign-in. No connector code, no kms:Decrypt. */
export const handler = createApiHandler(lazyApp({ specs }), (app) => [...integrationRoutes(app), ...bulkRoutes(app, exportFiles), ...flowRoutes(app), ...apiKeyRoutes(app), ...userRoutes(app), ...signInRoutes(app), ...openApiRoutes(app)]);
