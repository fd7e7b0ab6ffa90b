import * as z from 'zod';
import type { App } from '../services/app';
import { flowRoutes } from './flows';
import { apiKeyRoutes } from './keys';
import { signInRoutes } from './sign-in';
import { userRoutes } from './users';
import { notificationRoutes, summaryRoutes } from './notifications';
import { API_ERRORS, AppError, type ApiErrorCode } from '../errors';
import type { Invoker } from '../invoke/types';
import * as replies from './replies';
import { errorCodes, MAX_PARAM_LENGTH, type Route, type RouteReply } from './router';
import { integrationRoutes } from './routes';
import { bulkRoutes } from './bulk';
import { connectionTestRoutes } from './test-route';
import { openApiRoute, signInScheme } from './openapi-route';
import { webhookRoutes } from './webhooks';
import { webhookSettingsRoutes } from './webhook-settings';

/** The body every error answers with (shared/api/middleware.ts builds it from an AppError). */
export const ErrorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

/** The document reads the connection test's route, never calls it: the testConnection function serves it with its own invoker. */
const notServedHere: Invoker = {
  invoke: async () => {
    throw new AppError('not_served_here', 'the connection test is served by the testConnection function', 500);
  },
};

/** Every route the public API serves, whichever function serves it: the set the document must match. */
export function publicRoutes(app: App): Route[] {
  return [
    ...integrationRoutes(app),
    ...bulkRoutes(app),
    ...connectionTestRoutes(app, notServedHere),
    ...flowRoutes(app),
    ...webhookRoutes(app),
    ...webhookSettingsRoutes(app),
    ...notificationRoutes(app),
    ...summaryRoutes(app),
    ...apiKeyRoutes(app),
    ...userRoutes(app),
    ...signInRoutes(app),
    ...openApiRoutes(app),
  ];
}

/** `GET /api/openapi.json` built from the route tables on the first request: the local stack and the tests. */
export const openApiRoutes = (app: App): Route[] => openApiRoute(() => openApiDocument(publicRoutes(app)));

// What the caller sends is the schema's input side (defaults optional, coerced query strings as declared); what
// we answer, its output side.
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** A reply's schema: the named ones (`meta({ id })`, replies.ts) become references to `components.schemas`, collected in `named`. */
function replySchema(schema: z.ZodType, named: Record<string, unknown>): object {
  const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  const toComponents = (x: unknown) => JSON.parse(JSON.stringify(x).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
  Object.assign(named, toComponents($defs ?? {}));
  return toComponents(rest);
}

/** A path parameter as the router takes it: any segment of 1 to MAX_PARAM_LENGTH characters (longer is a 404). */
const PathParam = z.string().min(1).max(MAX_PARAM_LENGTH);

const errorRef = { $ref: '#/components/schemas/Error' };

function errorResponses(codes: ApiErrorCode[]): Record<string, object> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const c of codes) byStatus.set(API_ERRORS[c], [...(byStatus.get(API_ERRORS[c]) ?? []), c]);
  return Object.fromEntries(
    [...byStatus].map(([status, cs]) => [
      String(status),
      {
        description: cs.join(', '),
        content: { 'application/json': { schema: { allOf: [errorRef, { properties: { error: { properties: { code: { enum: cs } } } } }] } } },
      },
    ]),
  );
}

function replyResponse(reply: RouteReply, named: Record<string, unknown>): object {
  const headers = Object.entries(reply.headers ?? {}).map(([name, description]) => [name, { description, required: true, schema: { type: 'string' } }]);
  const content = reply.raw ? Object.fromEntries([reply.raw].flat().map((t) => [t, { schema: { type: 'string' } }])) : reply.body ? { 'application/json': { schema: replySchema(reply.body(replies), named) } } : undefined;
  return { description: reply.description, ...(headers.length ? { headers: Object.fromEntries(headers) } : {}), ...(content ? { content } : {}) };
}

function requestBody(r: Route): object | undefined {
  if (r.rawBody) {
    const raw = { schema: { type: 'string', description: 'The raw bytes as the sender signed them.' } };
    return { required: true, content: Object.fromEntries(r.rawBody.mediaTypes.map((t) => [t, raw])) };
  }
  if (!r.body) return undefined;
  // Handlers read a missing body as {} (or the schema's default): required only when neither parses.
  const required = !r.body.safeParse(undefined).success && !r.body.safeParse({}).success;
  return { required, content: { 'application/json': { schema: jsonSchema(r.body) } } };
}

function operation(r: Route, named: Record<string, unknown>): Record<string, unknown> {
  const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: jsonSchema(r.params?.[name] ?? PathParam) }));
  const q = r.query && (jsonSchema(r.query) as { properties?: Record<string, object>; required?: string[] });
  const queryParams = Object.entries(q?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: q?.required?.includes(name) ?? false, schema }));
  const headerParams = (r.rawBody?.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } }));
  const parameters = [...pathParams, ...queryParams, ...headerParams];
  const body = requestBody(r);
  return {
    operationId: r.method.toLowerCase() + r.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()),
    ...(r.summary ? { summary: r.summary } : {}),
    ...(r.auth ? { security } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(r.responses).map(([status, reply]) => [status, replyResponse(reply, named)])),
      ...errorResponses(errorCodes(r)),
      '5XX': { description: 'internal_error: our fault, with a requestId to quote', content: { 'application/json': { schema: errorRef } } },
    },
  };
}

/** An API key or a sign-in token. */
const security = [{ apiKey: [] }, { signIn: [] }];

/** OpenAPI 3.1 built from the route table and the zod schemas its handlers parse with, so it cannot be hand-edited out of date. */
export function openApiDocument(routes: Route[]): object {
  const paths: Record<string, Record<string, unknown>> = {};
  const named: Record<string, unknown> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r, named);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version: '1',
      description: 'Every error answers the Error envelope: a machine-readable `code` (listed per operation and status) and a message for people.',
    },
    // Every operation needs an API key or a sign-in token unless it says `security: []` (webhooks, this document).
    security,
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: "A tenant's API key (a program; may change things)." },
        signIn: signInScheme(),
      },
      schemas: { Error: jsonSchema(ErrorEnvelopeSchema, 'output'), ...Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b))) },
    },
  };
}
