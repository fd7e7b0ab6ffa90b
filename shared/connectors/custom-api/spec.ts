import * as z from 'zod';
import { IncrementalSchema, PaginationSchema } from '../rest';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * The user's own REST API, described entirely by its config: base URL, auth, and one stream per data type
 * (path, request, pagination, where the records and their ids are, how to ask for changes only). The
 * pagination and incremental parts are rest.ts's own schemas, so the catalog shows the same options the
 * built-in connectors use.
 */

export const AUTH_KINDS = ['none', 'bearer', 'api_key_header', 'api_key_query', 'basic', 'oauth2_client_credentials'] as const;

export const CustomApiAuthSchema = z.lazy(() =>
  z.object({
    kind: z.enum(AUTH_KINDS).default('none'),
    /** api_key_header: the header carrying the key (default X-API-Key). */
    headerName: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name').optional(),
    /** api_key_query: the query parameter carrying the key (default api_key). */
    queryParam: z.string().min(1).max(100).optional(),
    /** basic: the user name (the password is `token`). */
    username: z.string().min(1).optional(),
    /** oauth2_client_credentials: the token endpoint, client id and optional scope (the secret is `token`). */
    tokenUrl: z.url().optional(),
    clientId: z.string().min(1).optional(),
    scope: z.string().optional(),
  }),
);

const Scalar = () => z.union([z.string(), z.number(), z.boolean()]);

export const CustomApiStreamSchema = z.lazy(() =>
  z.object({
    /** The data type name records are stored under. */
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, at most 64'),
    /** Joined to baseUrl; must start with "/" (an absolute URL would send credentials to another host). */
    path: z.string().regex(/^\/[^\s]*$/, 'a path starting with /'),
    method: z.enum(['GET', 'POST']).optional(),
    query: z.record(z.string(), Scalar()).optional(),
    body: z.record(z.string(), z.unknown()).optional(),
    /** The response body's format (a key of response.ts's RESPONSE_READERS): xml is parsed (prefixes dropped, attributes as `@name`) so the paths reach into it. */
    response: z.enum(['json', 'xml']).default('json'),
    /** Dotted path of the records array in the response ('' when the response is the array); in XML, of the repeated element. */
    recordsPath: z.string().default(''),
    /** Dotted path of each record's id. */
    idPath: z.string().min(1).default('id'),
    pagination: PaginationSchema.default({ kind: 'none' }),
    incremental: IncrementalSchema.optional(),
  }),
);
export type CustomApiStream = z.infer<typeof CustomApiStreamSchema>;

/** Header names that carry credentials: those belong in `token` (sealed), never in plain `headers`. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|passw|api[-_]?key|auth/i;

export const CustomApiConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(z.url()),
      /** Default method of the streams and of the connection test. */
      method: z.enum(['GET', 'POST']).default('GET'),
      /** Extra headers sent with every request (not credentials: see `token`). */
      headers: z.record(z.string(), z.string()).optional(),
      /** Decides where and how `token` is sent (the token URL, a header or query parameter name). */
      auth: sendsSecrets(CustomApiAuthSchema.default({ kind: 'none' })),
      /** The bearer token, API key, basic-auth password or OAuth client secret, depending on `auth.kind`. */
      token: secret(z.string().min(1)).optional(),
      /** Path the connection test requests (default: the first stream's). */
      testPath: z.string().regex(/^\/[^\s]*$/, 'a path starting with /').optional(),
      streams: z.array(CustomApiStreamSchema).max(50).default([]),
      /** The API's own rate limit, per integration. */
      rateLimit: z.object({ requests: z.number().int().positive(), windowMs: z.number().int().positive() }).optional(),
    })
    .superRefine((c, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      if (c.auth.kind !== 'none' && !c.token) issue(['token'], `auth kind ${c.auth.kind} needs a token`);
      if (c.auth.kind === 'basic' && !c.auth.username) issue(['auth', 'username'], 'basic auth needs a username');
      if (c.auth.kind === 'oauth2_client_credentials') {
        if (!c.auth.tokenUrl) issue(['auth', 'tokenUrl'], 'client credentials need a tokenUrl');
        if (!c.auth.clientId) issue(['auth', 'clientId'], 'client credentials need a clientId');
      }
      for (const h of Object.keys(c.headers ?? {})) {
        if (CREDENTIAL_HEADER.test(h)) issue(['headers', h], 'credentials go in token (with auth.kind), not in plain headers');
      }
      if (!c.testPath && !c.streams.length) issue(['testPath'], 'give a testPath or at least one stream');
      const seen = new Set<string>();
      c.streams.forEach((s, i) => {
        if (seen.has(s.name)) issue(['streams', i, 'name'], `duplicate stream name ${s.name}`);
        seen.add(s.name);
        const method = s.method ?? c.method;
        const p = s.pagination;
        if (method !== 'POST' && 'in' in p && p.in === 'body') issue(['streams', i, 'pagination', 'in'], 'body paging needs method POST');
        if (method !== 'POST' && s.incremental?.in === 'body') issue(['streams', i, 'incremental', 'in'], 'a body parameter needs method POST');
      });
    }),
);
export type CustomApiConfig = z.infer<typeof CustomApiConfigSchema>;

export const customApiSpec = {
  type: 'custom_api',
  title: 'Custom API',
  description: 'Any REST API endpoint, configured by you: GET or POST, custom headers, your auth, your paging.',
  configSchema: CustomApiConfigSchema,
  dataTypes: (config: CustomApiConfig) => config.streams.map((s) => s.name),
  defaultDataTypes: [],
  // No declared limit: the API is the user's; `config.rateLimit` sets one per integration (see index.ts).
} satisfies ConnectorSpec<typeof CustomApiConfigSchema>;
