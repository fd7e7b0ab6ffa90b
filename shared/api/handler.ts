import { authenticatorFor } from '../auth/authenticator';
import type { TrustedIssuer } from '../auth/jwt';
import { config } from '../config';
import type { App } from '../services/app';
import { httpStack, type Handler } from './middleware';
import { Router, type Route } from './router';

/**
 * One HTTP function: exactly the routes it is given, behind one error boundary. Each function names its own
 * routes, so a function only carries the code (and needs only the permissions) of what it serves.
 * @example export const handler = createApiHandler(lazyApp({ specs }), integrationRoutes);
 */
export function createApiHandler(getApp: () => App, routes: (app: App) => Route[], extraIssuers: TrustedIssuer[] = []): Handler {
  let router: Router | undefined;
  return httpStack(async (event) => {
    if (!router) {
      const app = getApp();
      const auth = authenticatorFor(app, extraIssuers);
      // Replies are checked against their declared schemas locally (npm start, tests), not deployed (see Router).
      router = new Router(routes(app), (req) => auth.authenticate(req.headers), config().STAGE === 'local');
    }
    return router.handle(event);
  });
}
