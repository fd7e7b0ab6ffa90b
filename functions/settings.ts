import { createApiHandler } from '../shared/api/handler';
import { lazyApp } from '../shared/handlers/lazy';
import { notificationRoutes } from '../shared/api/notifications';
import { webhookSettingsRoutes } from '../shared/api/webhook-settings';
import type { App } from '../shared/services/app';

/**
 * The tenant-authenticated webhook and notification settings (`GET|PUT /api/integrations/{id}/webhook`,
 * `GET /api/integrations/{id}/events`, `/api/notifications/*`): they seal new secrets (kms:GenerateDataKey) and
 * open none, and enqueue nothing.
 */
export const routes = (app: App) => [...webhookSettingsRoutes(app), ...notificationRoutes(app)];
export const handler = createApiHandler(lazyApp({}), routes);
