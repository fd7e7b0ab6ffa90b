import { HttpClient } from '../http/client';
import type { Logger } from '../log';
import type { Connector } from './types';

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
