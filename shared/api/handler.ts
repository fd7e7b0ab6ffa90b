import { authenticatorFor } from '../auth/authenticator';
import type { TrustedIssuer } from '../auth/jwt';
import type { App } from '../services/app';
import { httpStack, type Handler } from './middleware';
import type * as Replies from './replies';
import { Router, type Route } from './router';

export interface ApiHandlerOptions {
  /** Token issuers trusted beyond the configured IdP (the local stack's dev sign-in). */
  issuers?: TrustedIssuer[];
  /** replies.ts: check every reply and client error against its route's contract (npm start, the tests; see Router). */
  replies?: typeof Replies;
}

/**
 * One HTTP function: exactly the routes it is given, behind one error boundary. Each function names its own
 * routes, so a function only carries the code (and needs only the permissions) of what it serves.
 * @example export const handler = createApiHandler(lazyApp({ specs }), integrationRoutes);
 */
export function createApiHandler(getApp: () => App, routes: (app: App) => Route[], opts: ApiHandlerOptions = {}): Handler {
  let router: Router | undefined;
  return httpStack(async (event) => {
    if (!router) {
      const app = getApp();
      const auth = authenticatorFor(app, opts.issuers ?? []);
      router = new Router(routes(app), (req) => auth.authenticate(req.headers), opts.replies);
    }
    return router.handle(event);
  });
}
