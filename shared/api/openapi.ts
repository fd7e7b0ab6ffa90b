import { z } from 'zod';
import { config } from '../config';
import type { App } from '../services/app';
import { flowRoutes } from './flows';
import { apiKeyRoutes } from './keys';
import { notificationRoutes, summaryRoutes } from './notifications';
import type { Route } from './router';
import { integrationRoutes } from './routes';
import { connectionTestRoutes } from './test-route';
import { webhookRoutes, webhookSettingsRoutes } from './webhooks';

/** The body every error answers with (shared/api/middleware.ts builds it from an AppError). */
export const ErrorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

/** Every route the public API serves, whichever function serves it: the set the document must match. */
export function publicRoutes(app: App): Route[] {
  return [
    ...integrationRoutes(app),
    ...connectionTestRoutes(app),
    ...flowRoutes(app),
    ...webhookRoutes(app),
    ...webhookSettingsRoutes(app),
    ...notificationRoutes(app),
    ...summaryRoutes(app),
    ...apiKeyRoutes(app),
    ...openApiRoutes(app),
  ];
}

/** `GET /api/openapi.json`, unauthenticated: the contract is public, the data behind it is not. */
export function openApiRoutes(app: App): Route[] {
  let doc: object | undefined;
  return [
    {
      method: 'GET',
      path: '/api/openapi.json',
      auth: false,
      summary: 'This OpenAPI 3.1 document',
      handle: async () => ({ status: 200, body: (doc ??= openApiDocument(publicRoutes(app))) }),
    },
  ];
}

// What the caller sends is the schema's input side (defaults optional, coerced query strings as declared).
const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorResponse = { description: 'Error envelope', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

function operation(r: Route): Record<string, unknown> {
  const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const q = r.query && (jsonSchema(r.query) as { properties?: Record<string, object>; required?: string[] });
  const queryParams = Object.entries(q?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: q?.required?.includes(name) ?? false, schema }));
  return {
    operationId: (r.method.toLowerCase() + r.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())),
    ...(r.summary ? { summary: r.summary } : {}),
    ...(r.auth ? { security: [{ apiKey: [] }, { signIn: [] }] } : {}),
    ...(pathParams.length || queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(r.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
    responses: { '2XX': { description: 'Success' }, '4XX': errorResponse, '5XX': errorResponse },
  };
}

/** People's sign-in: the configured OIDC provider, else a bearer JWT (the local stack's dev sign-in). */
function signInScheme(): object {
  const issuer = config().OIDC_ISSUER;
  const description = 'A person signed in: the tenant and the role (admin changes things, viewer only reads) come from the token. Under /sso/api in AWS.';
  return issuer
    ? { type: 'openIdConnect', openIdConnectUrl: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, description }
    : { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description };
}

/** OpenAPI 3.1 built from the route table and the zod schemas its handlers parse with, so it cannot be hand-edited out of date. */
export function openApiDocument(routes: Route[]): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard API', version: '1' },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: "A tenant's API key (a program; may change things)." },
        signIn: signInScheme(),
      },
      schemas: { Error: jsonSchema(ErrorEnvelopeSchema) },
    },
  };
}
