import { authenticatorFor } from '../auth/authenticator';
import type { TrustedIssuer } from '../auth/jwt';
import type { App } from '../services/app';
import { httpStack, type Handler } from './middleware';
import { Router, type Route } from './router';

/**
 * One HTTP function: exactly the routes it is given, behind one error boundary. Each function names its own
 * routes, so a function only carries the code (and needs only the permissions) of what it serves.
 * @example export const handler = createApiHandler(lazyApp(), integrationRoutes);
 */
export function createApiHandler(getApp: () => App, routes: (app: App) => Route[], extraIssuers: TrustedIssuer[] = []): Handler {
  let router: Router | undefined;
  return httpStack(async (event) => {
    if (!router) {
      const app = getApp();
      const auth = authenticatorFor(app, extraIssuers);
      router = new Router(routes(app), (req) => auth.authenticate(req.headers));
    }
    return router.handle(event);
  });
}
