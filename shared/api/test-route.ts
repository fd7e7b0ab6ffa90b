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
      summary: 'Test the connection with the stored secrets (a failure puts the integration in error)',
      responses: { 200: { description: 'The outcome; a failed test is ok: false, not an error', body: (r) => r.ConnectionTestSchema } },
      errors: ['integration_not_found'],
      handle: async (req) => ({ status: 200, body: await testConnection(app, req.tenantId!, req.params.id) }),
    },
  ];
}
