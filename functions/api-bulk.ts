import { createApiHandler } from '../shared/api/handler';
import { bulkRoutes } from '../shared/api/bulk';
import { lazyApp } from '../shared/handlers/lazy';
import { specs } from '../shared/connectors/specs';
import type { App } from '../shared/services/app';

/** The S3 client, its uploader and presigner load with the first large export, not with every cold start. */
const exportFiles = () => import('../shared/blobs/s3').then((m) => m.exportFilesFromEnv());

/** `GET /api/integrations/{id}/export` and `POST …/import`: the file parsers and S3, in no other function. */
export const routes = (app: App) => bulkRoutes(app, exportFiles);
export const handler = createApiHandler(lazyApp({ specs }), routes);
