import type { App } from '../services/app';
import { testConnection } from '../services/connection-test';
import type { Route } from './router';

/** `POST /api/integrations/{id}/test`: served by its own function, the one HTTP path that opens secrets. */
export function connectionTestRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/integrations/{id}/test',
      auth: true,
      handle: async (req) => ({ status: 200, body: await testConnection(app, req.tenantId!, req.params.id) }),
    },
  ];
}
