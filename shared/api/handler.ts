import type { App } from '../services/app';
import { authenticate, httpStack, type Handler } from './middleware';
import { Router, type Route } from './router';
import { integrationRoutes } from './routes';

/** The HTTP API: the integrations routes (and any extra, e.g. webhooks) behind one error boundary. */
export function createApiHandler(getApp: () => App, extra: (app: App) => Route[] = () => []): Handler {
  let router: Router | undefined;
  return httpStack(async (event) => {
    if (!router) {
      const app = getApp();
      router = new Router([...integrationRoutes(app), ...extra(app)], (req) => authenticate(req.headers, (k) => app.tenants.resolve(k)));
    }
    return router.handle(event);
  });
}
