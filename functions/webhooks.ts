import { createApiHandler } from '../shared/api/handler';
import { lazyApp } from '../shared/handlers/lazy';
import { webhookRoutes } from '../shared/api/webhooks';

/**
 * `POST /webhooks/*`: verify on the raw bytes, dedupe, enqueue, answer fast. Only the public receivers: the
 * settings routes that seal new secrets live in functions/settings.ts, so this public function's role can
 * open secrets (kms:Decrypt) but never seal them (no kms:GenerateDataKey).
 */
export const routes = webhookRoutes;
export const handler = createApiHandler(lazyApp({}), routes);
