import { readStream, type ReadResult } from '../../helpers/read';
import type { Connector } from '../../../shared/connectors/types';
import { createLogger } from '../../../shared/log';

/** A unique name so suites can run in parallel with each other and with other engineers' tests. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export function ids(r: ReadResult): string[] {
  return r.records.map((x) => x.id);
}

/** The connection test as the API runs it. */
export function testConnection(connector: Connector, config: Record<string, unknown>) {
  return connector.test({
    config: config as never,
    http: undefined as never,
    log: createLogger({ test: 'db' }),
    saveSecrets: async () => undefined,
  });
}

export { readStream };
