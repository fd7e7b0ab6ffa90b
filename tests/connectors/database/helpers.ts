import { readStream, type ReadResult } from '../../helpers/read';
import { parseConfig } from '../../../shared/connectors/context';
import type { Connector } from '../../../shared/connectors/types';
import { createLogger } from '../../../shared/log';

/** A unique name so suites can run in parallel with each other and with other engineers' tests. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export function ids(r: ReadResult): string[] {
  return r.records.map((x) => x.id);
}

/** The connection test as the API runs it: the config parsed first, a bad one answered with the reason. */
export async function testConnection(connector: Connector, raw: Record<string, unknown>) {
  let config: Record<string, unknown>;
  try {
    config = parseConfig(connector, raw);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  return connector.test({
    config,
    http: undefined as never,
    log: createLogger({ test: 'db' }),
    saveSecrets: async () => undefined,
  });
}

export { readStream };
