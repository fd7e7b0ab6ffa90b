import { connectorHttp, parseConfig } from '../../shared/connectors/context';
import type { Connector, Page, SyncMode } from '../../shared/connectors/types';
import { createLogger } from '../../shared/log';

export interface ReadResult {
  pages: Page[];
  records: Page['records'];
  rejected: NonNullable<Page['rejected']>;
  /** The cursor after the last page (what the engine would store), or the input cursor if no page came. */
  cursor: unknown;
  stats: { requests: number; retries: number; http429: number; rateLimitWaitMs: number };
  saved: Record<string, unknown>[];
}

/**
 * Drives one stream of a connector the way the engine does (same HTTP client, same context), collecting
 * its pages. Connector tests use it against their sandbox; pipeline tests go through the engine instead.
 */
export async function readStream(
  connector: Connector,
  raw: Record<string, unknown>,
  stream: string,
  opts: { mode?: SyncMode; cursor?: unknown; since?: string; resuming?: boolean; maxPages?: number; clock?: { now: () => number; sleep: (ms: number) => Promise<void> } } = {},
): Promise<ReadResult> {
  const saved: Record<string, unknown>[] = [];
  // Parsed once, as the engine does; a saved secret lands in both so a test can read it from its own object.
  const config = parseConfig(connector, raw);
  const save = async (patch: Record<string, unknown>) => {
    saved.push(patch);
    Object.assign(config, patch);
    Object.assign(raw, patch);
  };
  const log = createLogger({ test: connector.type });
  const http = connectorHttp(connector, config, { integrationId: connector.type, log, save, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))), ...opts.clock });
  const s = connector.streams(config).find((x) => x.name === stream);
  if (!s) throw new Error(`no stream ${stream} in ${connector.type}`);
  const result: ReadResult = { pages: [], records: [], rejected: [], cursor: opts.cursor ?? null, stats: http.stats, saved };
  const ctx = {
    connector: connector.type,
    integrationId: 'int-test',
    tenantId: 'tenant-test',
    stream,
    config,
    mode: opts.mode ?? 'full',
    since: opts.since,
    resuming: opts.resuming ?? false,
    http,
    log,
    saveSecrets: save,
  };
  for await (const page of s.read(ctx as never, opts.cursor ?? null)) {
    result.pages.push(page);
    result.records.push(...page.records);
    result.rejected.push(...(page.rejected ?? []));
    result.cursor = page.cursor;
    if (opts.maxPages && result.pages.length >= opts.maxPages) break;
  }
  return result;
}

/** Test runs see waits shortened to at most 50 ms; Retry-After is still observed as a wait. */
export const fastSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50)));

/** Runs a connector's connection test the way the test-connection function does (config parsed once, no waits). */
export async function testConnector(connector: Connector, raw: Record<string, unknown>) {
  const config = parseConfig(connector, raw);
  const http = connectorHttp(connector, config, { integrationId: connector.type, save: async () => {}, sleep: async () => {} });
  return connector.test({ config, http, log: createLogger({ test: connector.type }), saveSecrets: async () => {} });
}
