import { brotliDecompressSync } from 'node:zlib';
import * as z from 'zod';
import { config } from '../config';
import type { Route } from './router';

/** People's sign-in: the configured OIDC provider, else a bearer JWT (the local stack's dev sign-in). */
export function signInScheme(): object {
  const issuer = config().OIDC_ISSUER;
  const description = 'A person signed in: the tenant and the role (admin changes things, viewer only reads) come from the token. Under /sso/api in AWS.';
  return issuer
    ? { type: 'openIdConnect', openIdConnectUrl: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, description }
    : { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description };
}

/**
 * `GET /api/openapi.json`, unauthenticated: the contract is public, the data behind it is not. `document` is built
 * once, on the first request; the sign-in scheme is the stage's (a document built at `npm run build` knows no IdP).
 */
export function openApiRoute(document: () => object): Route[] {
  type Doc = { components: { securitySchemes: Record<string, object> } };
  let doc: Doc | undefined;
  return [
    {
      method: 'GET',
      path: '/api/openapi.json',
      auth: false,
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', body: () => z.record(z.string(), z.unknown()) } },
      handle: async () => {
        if (!doc) {
          const built = document() as Doc;
          built.components.securitySchemes.signIn = signInScheme();
          doc = built;
        }
        return { status: 200, body: doc };
      },
    },
  ];
}

/**
 * The document `npm run build` (scripts/openapi.ts) wrote, compressed, for the bundle: building it at init would
 * need every route's reply schemas (the whole API's code and ≈ 470 zod schemas) in the function serving it.
 */
export const builtOpenApi = (): object => JSON.parse(brotliDecompressSync(Buffer.from(require('../../.build/openapi.br.json') as string, 'base64')).toString('utf8'));
