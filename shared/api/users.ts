import * as z from 'zod';
import { config } from '../config';
import { AppError, NotFoundError } from '../errors';
import type { App } from '../services/app';
import { MAX_USERS_PER_TENANT, UserStore, type SsoUser } from '../store/users';
import { parse } from '../validate';
import type { Route } from './router';

export const PutUserSchema = z.lazy(() => z.strictObject({ role: z.enum(['admin', 'viewer']) }));

export const UserSchema = z.lazy(() =>
  z.strictObject({
    subject: z.string().describe("The person's user claim: `sub` by default, or what OIDC_USER_CLAIM names (e.g. `email`)."),
    issuer: z.string().describe('The sign-in provider that vouches for them.'),
    role: z.enum(['admin', 'viewer']),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
  }),
);

const view = (u: SsoUser) => ({ subject: u.user, issuer: u.issuer, role: u.role, createdAt: u.createdAt, ...(u.updatedAt ? { updatedAt: u.updatedAt } : {}) });

/** The IdP people are mapped for: the configured one (the local dev sign-in puts the tenant in its tokens). */
function issuer(): string {
  const iss = config().OIDC_ISSUER;
  if (!iss) throw new AppError('sso_not_configured', 'No sign-in provider is configured (the oidcIssuer stage parameter, OIDC_ISSUER locally): there is no one to map.', 409);
  return iss;
}

/**
 * The tenant's people (the user → tenant mapping of sign-in tokens without a tenant claim), for its admins only:
 * a viewer is refused even the list (adminOnly), another tenant's people are invisible (404), and a person
 * another tenant holds cannot be taken (409).
 */
export function userRoutes(app: App): Route[] {
  const users = new UserStore(app.db);
  return [
    {
      method: 'GET',
      path: '/api/users',
      auth: true,
      adminOnly: true,
      summary: 'The people mapped to this tenant, and their roles',
      responses: { 200: { description: 'The people, by sign-in provider then subject', body: () => z.strictObject({ users: z.array(UserSchema) }) } },
      handle: async (req) => ({ status: 200, body: { users: (await users.list(req.tenantId!)).map(view) } }),
    },
    {
      method: 'PUT',
      path: '/api/users/{subject}',
      auth: true,
      adminOnly: true,
      summary: "Let a person sign in to this tenant with a role, or change their role",
      body: PutUserSchema,
      responses: { 200: { description: 'Their role changed', body: () => UserSchema }, 201: { description: 'They may sign in now', body: () => UserSchema } },
      errors: ['sso_not_configured', 'user_in_other_tenant', 'too_many_users'],
      handle: async (req) => {
        const { role } = parse(PutUserSchema, req.body ?? {}, 'body');
        const iss = issuer();
        const mine = await users.list(req.tenantId!);
        if (mine.length >= MAX_USERS_PER_TENANT && !mine.some((u) => u.issuer === iss && u.user === req.params.subject))
          throw new AppError('too_many_users', `A tenant maps at most ${MAX_USERS_PER_TENANT} people: give the rest a tenant claim at the provider.`, 409);
        const { user, created } = await users.put({ issuer: iss, user: req.params.subject, tenantId: req.tenantId!, role });
        return { status: created ? 201 : 200, body: view(user) };
      },
    },
    {
      method: 'DELETE',
      path: '/api/users/{subject}',
      auth: true,
      adminOnly: true,
      summary: 'Stop a person signing in to this tenant (their current token too)',
      responses: { 204: { description: 'Removed' } },
      errors: ['sso_not_configured', 'user_not_found'],
      handle: async (req) => {
        if (!(await users.remove(req.tenantId!, issuer(), req.params.subject))) throw new NotFoundError('user', 'user_not_found');
        return { status: 204 };
      },
    },
  ];
}
