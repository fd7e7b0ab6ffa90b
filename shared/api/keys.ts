import * as z from 'zod';
import { AppError, NotFoundError } from '../errors';
import type { App } from '../services/app';
import { MAX_KEYS_PER_TENANT } from '../store/tenants';
import { parse } from '../validate';
import type { Route } from './router';

export const CreateApiKeySchema = z.lazy(() => z.strictObject({ name: z.string().trim().min(1).max(100).default('API key') }));

/**
 * A tenant's API keys, managed by its admins (any API key of the tenant, or a person signed in as admin; the
 * router refuses a viewer every non-GET route). The key is in the create answer only; listings show its prefix.
 */
export function apiKeyRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/keys',
      auth: true,
      summary: 'Create an API key (the key is shown once)',
      body: CreateApiKeySchema,
      responses: { 201: { description: 'The key, shown this once', body: (r) => r.ApiKeyCreatedSchema } },
      errors: ['too_many_api_keys'],
      handle: async (req) => {
        const { name } = parse(CreateApiKeySchema, req.body ?? {}, 'body');
        if ((await app.tenants.listApiKeys(req.tenantId!)).length >= MAX_KEYS_PER_TENANT)
          throw new AppError('too_many_api_keys', `A tenant holds at most ${MAX_KEYS_PER_TENANT} API keys: revoke one first.`, 409);
        return { status: 201, body: await app.tenants.createApiKey(req.tenantId!, name) };
      },
    },
    {
      method: 'GET',
      path: '/api/keys',
      auth: true,
      summary: "The tenant's API keys, without secrets",
      responses: { 200: { description: 'The keys, oldest first', body: (r) => z.strictObject({ keys: z.array(r.ApiKeySchema) }) } },
      handle: async (req) => ({ status: 200, body: { keys: await app.tenants.listApiKeys(req.tenantId!) } }),
    },
    {
      method: 'DELETE',
      path: '/api/keys/{id}',
      auth: true,
      summary: 'Revoke an API key: it answers 401 from then on',
      responses: { 204: { description: 'Revoked' } },
      errors: ['api_key_not_found'],
      handle: async (req) => {
        if (!(await app.tenants.revokeApiKey(req.tenantId!, req.params.id))) throw new NotFoundError('API key', 'api_key_not_found');
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/api/auth/me',
      auth: true,
      summary: 'Who the caller is: tenant, role, and how they signed in',
      responses: { 200: { description: 'The caller', body: (r) => r.PrincipalSchema } },
      handle: async (req) => {
        const p = req.principal!;
        return { status: 200, body: { tenantId: p.tenantId, role: p.role, via: p.via, ...(p.keyId ? { keyId: p.keyId } : {}), ...(p.user ? { user: p.user } : {}) } };
      },
    },
  ];
}
