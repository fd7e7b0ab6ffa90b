import * as z from 'zod';
import { CodeExchangeSchema, CodeFlow } from '../auth/code-flow';
import { configuredProvider } from '../auth/oidc';
import { AppError } from '../errors';
import type { App } from '../services/app';
import { parse } from '../validate';
import type { Route } from './router';

const SettingsSchema = z.lazy(() => z.strictObject({ issuer: z.string(), clientId: z.string(), authorizationEndpoint: z.string(), scope: z.string() }));

/**
 * The dashboard's SSO sign-in (shared/auth/code-flow.ts), unauthenticated since it is how one gets a token: where to
 * send a person (public facts of the IdP, no secret), and the exchange of the code they come back with.
 */
export function signInRoutes(app: App, opts: { devSignIn?: boolean } = {}): Route[] {
  const idp = configuredProvider(app.limits);
  const flow = idp && new CodeFlow(idp.provider, idp.trusted);
  const needFlow = () => {
    if (!flow) throw new AppError('sso_not_configured', 'No sign-in provider is configured (the oidcIssuer stage parameter, OIDC_ISSUER locally): sign in with an API key.', 409);
    return flow;
  };
  return [
    {
      method: 'GET',
      path: '/api/auth/config',
      auth: false,
      summary: 'How people sign in: the OIDC provider and client id for the authorization-code flow with PKCE (or null), and whether the dev sign-in exists',
      responses: {
        200: {
          description: 'The sign-in settings',
          body: () => z.strictObject({ sso: SettingsSchema.nullable(), devSignIn: z.boolean().describe('POST /api/auth/dev exists: the local stack only.') }),
        },
      },
      handle: async () => ({ status: 200, body: { sso: flow ? await flow.settings() : null, devSignIn: opts.devSignIn ?? false } }),
    },
    {
      method: 'POST',
      path: '/api/auth/token',
      auth: false,
      summary: "Exchange the provider's authorization code (with its PKCE verifier) for a verified ID token",
      body: CodeExchangeSchema,
      responses: {
        200: {
          description: "The provider's ID token, verified, with the nonce it carries for the browser to match",
          body: () => z.strictObject({ idToken: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string(), nonce: z.string().optional() }),
        },
      },
      errors: ['sso_not_configured', 'invalid_grant', 'invalid_token'],
      handle: async (req) => {
        const input = parse(CodeExchangeSchema, req.body ?? {}, 'body');
        const t = await needFlow().exchange(input);
        return { status: 200, body: { idToken: t.idToken, tokenType: 'Bearer', expiresAt: t.expiresAt, ...(t.nonce ? { nonce: t.nonce } : {}) } };
      },
    },
  ];
}
