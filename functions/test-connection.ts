import { createApiHandler } from '../shared/api/handler';
import { connectionTestRoutes } from '../shared/api/test-route';
import { specs } from '../shared/connectors/specs';
import { lazyApp } from '../shared/handlers/lazy';
import { LambdaInvoker } from '../shared/invoke/lambda';

/** `POST /api/integrations/{id}/test`: the integration's worker opens the secrets and runs the test; this function can do neither. */
export const handler = createApiHandler(lazyApp({ specs }), (app) => connectionTestRoutes(app, LambdaInvoker.fromEnv()));
