import * as z from 'zod';
import { DevSigner } from '../auth/dev';
import { NotFoundError } from '../errors';
import type { Route } from '../api/router';
import type { App } from '../services/app';
import { parse } from '../validate';

export const DevSignInSchema = z.strictObject({
  tenantId: z.string().min(1).max(128),
  role: z.enum(['admin', 'viewer']).default('admin'),
  user: z.string().min(1).max(200).optional(),
});

/**
 * `POST /api/auth/dev`: a sign-in token from the local dev key for any tenant of this data folder, so the
 * dashboard and the API take the SSO path without an IdP. Only the local stack serves it: no deployed
 * function's route table has it, and no deployed authenticator trusts its issuer.
 */
export function devSignInRoutes(app: App, signer: DevSigner): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/auth/dev',
      auth: false,
      summary: 'Local stack only: a sign-in token from the dev key',
      body: DevSignInSchema,
      responses: {
        200: {
          description: 'A sign-in token',
          body: () => z.strictObject({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string(), tenantId: z.string(), role: z.enum(['admin', 'viewer']) }),
        },
      },
      errors: ['tenant_not_found'],
      handle: async (req) => {
        const who = parse(DevSignInSchema, req.body ?? {}, 'body');
        if (!(await app.tenants.tenantExists(who.tenantId))) throw new NotFoundError('tenant', 'tenant_not_found');
        const { token, expiresAt } = await signer.sign(who);
        return { status: 200, body: { token, tokenType: 'Bearer', expiresAt, tenantId: who.tenantId, role: who.role } };
      },
    },
  ];
}
