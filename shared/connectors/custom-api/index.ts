import { apiKeyAuth, type Auth, basicAuth, bearerAuth, oauth2Auth } from '../../http/auth';
import { fetchToken } from '../../http/token';
import { scrub } from '../../log';
import { RESPONSE_READERS } from '../response';
import { restStream, testConnection } from '../rest';
import type { Connector, HttpSetup, RateLimit } from '../types';
import { type CustomApiConfig, CustomApiConfigSchema, customApiSpec } from './spec';

function authFor(config: CustomApiConfig): Auth | undefined {
  const a = config.auth;
  const token = config.token ?? '';
  switch (a.kind) {
    case 'none':
      return undefined;
    case 'bearer':
      return bearerAuth(token);
    case 'api_key_header':
      return apiKeyAuth(token, { header: a.headerName ?? 'X-API-Key' });
    case 'api_key_query':
      return apiKeyAuth(token, { query: a.queryParam ?? 'api_key' });
    case 'basic':
      return basicAuth(a.username ?? '', token);
    case 'oauth2_client_credentials':
      // RFC 6749 §4.4: a fresh token is always one grant away, so it is not stored; a 401 fetches another.
      return oauth2Auth({
        tokens: {},
        obtain: () =>
          fetchToken(a.tokenUrl!, { grant_type: 'client_credentials', client_id: a.clientId!, client_secret: token, ...(a.scope ? { scope: a.scope } : {}) }),
      });
  }
}

/** The usual shapes of an API's error body: `{message}`, `{error}`, `{error: {message}}`, `{error_description}`. */
export function describeCustomError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>).message : undefined;
  const text = [b.message, nested, b.error_description, b.error, b.detail, b.title].find((v) => typeof v === 'string' && v) as string | undefined;
  return text ? scrub(text).slice(0, 200) : undefined;
}

/**
 * The Custom API connector: each configured stream is a rest.ts declaration. Records are stored as the API
 * sends them (data = the record object), keyed by `idPath`.
 */
export const customApi: Connector<typeof CustomApiConfigSchema> = {
  ...customApiSpec,
  http: (config) => {
    // The limit is the user's to state, so it comes from the config. HttpSetup has no `rateLimit` field yet:
    // connectorHttp() spreads the setup over the client options, so this one takes effect (see the report).
    const setup: HttpSetup & { rateLimit?: RateLimit } = {
      baseUrl: config.baseUrl,
      auth: authFor(config),
      headers: config.headers,
      describeError: describeCustomError,
    };
    if (config.rateLimit) setup.rateLimit = config.rateLimit;
    return setup;
  },
  streams: (config) =>
    config.streams.map((s) =>
      restStream<CustomApiConfig>({
        name: s.name,
        method: s.method ?? config.method,
        path: s.path,
        query: s.query,
        body: s.body,
        pagination: s.pagination,
        response: RESPONSE_READERS[s.response],
        records: s.recordsPath,
        id: s.idPath,
        incremental: s.incremental,
        sameOriginNext: true,
      }),
    ),
  test: (ctx) => {
    const c = ctx.config;
    if (c.testPath) return testConnection(ctx, { method: c.method, url: c.testPath, body: c.method === 'POST' ? {} : undefined, stream: 'test' });
    const s = c.streams[0];
    const method = s.method ?? c.method;
    return testConnection(ctx, { method, url: s.path, query: s.query, body: method === 'POST' ? (s.body ?? {}) : undefined, stream: 'test' });
  },
};
