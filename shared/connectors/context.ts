import { ValidationError } from '../errors';
import { HttpClient } from '../http/client';
import type { Logger } from '../log';
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
  opts: { integrationId: string; log?: Logger; save: (patch: Record<string, unknown>) => Promise<void>; sleep?: (ms: number) => Promise<void> },
): HttpClient {
  const setup = connector.http?.(config, opts.save) ?? {};
  return new HttpClient({
    connector: connector.type,
    integrationId: opts.integrationId,
    log: opts.log,
    sleep: opts.sleep,
    ...setup,
    rateLimit: setup.rateLimit ?? connector.rateLimit,
  });
}
