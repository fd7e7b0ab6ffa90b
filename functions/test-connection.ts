import { createApiHandler } from '../shared/api/handler';
import { connectionTestRoutes } from '../shared/api/test-route';
import { specs } from '../shared/connectors/specs';
import { lazyApp } from '../shared/handlers/lazy';
import { LambdaInvoker } from '../shared/invoke/lambda';
import type { App } from '../shared/services/app';

/** Made at the first test, from the deployed environment (FUNCTION_NAME_PREFIX): reading the routes needs none. */
let invoker: LambdaInvoker | undefined;

/** `POST /api/integrations/{id}/test`: the integration's worker opens the secrets and runs the test; this function can do neither. */
export const routes = (app: App) => connectionTestRoutes(app, { invoke: (fn, payload) => (invoker ??= LambdaInvoker.fromEnv()).invoke(fn, payload) });
export const handler = createApiHandler(lazyApp({ specs }), routes);
