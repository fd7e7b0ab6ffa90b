import { ValidationError } from '../errors';
import { HttpClient, type HttpClientOptions } from '../http/client';
import type { Connector } from './types';

/**
 * The one place a stored config becomes the connector's typed config (defaults filled, nested ones too):
 * the engine and the connection test parse it once and hand the result to `http()`, `streams()` and `test()`.
 */
export function parseConfig(connector: Connector, raw: unknown): Record<string, unknown> {
  const parsed = connector.configSchema.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ValidationError(`The ${connector.title} config is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}

/**
 * Builds the HTTP client a connector's streams and connection test use, from its declared rate limit and
 * its `http()` setup. The engine, the test-connection path and connector tests all come through here.
 */
export function connectorHttp(
  connector: Connector,
  config: Record<string, unknown>,
  opts: Pick<HttpClientOptions, 'integrationId' | 'log' | 'limits' | 'remainingMs' | 'now' | 'sleep'> & { save: (patch: Record<string, unknown>) => Promise<void> },
): HttpClient {
  const { save, ...client } = opts;
  const setup = connector.http?.(config, save) ?? {};
  return new HttpClient({
    connector: connector.type,
    ...client,
    ...setup,
    rateLimit: setup.rateLimit ?? connector.rateLimit,
  });
}
