import type { Invoker } from '../invoke/types';
import type { App } from '../services/app';
import { testInWorker } from '../services/test-in-worker';
import type { Route } from './router';

/** `POST /api/integrations/{id}/test`: served by its own function, which has the integration's worker open the secrets and run the test. */
export function connectionTestRoutes(app: App, invoker: Invoker): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/integrations/{id}/test',
      auth: true,
      summary: 'Test the connection with the stored secrets (a failure puts the integration in error)',
      responses: { 200: { description: 'The outcome; a failed test is ok: false, not an error', body: (r) => r.ConnectionTestSchema } },
      errors: ['integration_not_found', 'worker_unavailable'],
      handle: async (req) => ({ status: 200, body: await testInWorker(app, invoker, req.tenantId!, req.params.id) }),
    },
  ];
}
