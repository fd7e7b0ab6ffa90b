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

/** Reads with the engine's contract: resume with the stored cursor until the stream finishes. */
export async function readAllInChunks(connector: Connector, config: Record<string, unknown>, stream: string, maxPages: number) {
  const first = await readStream(connector, config, stream, { mode: 'full', maxPages });
  const all = [...first.records];
  let cursor = first.cursor;
  let runs = 1;
  for (;;) {
    const next = await readStream(connector, config, stream, { mode: 'full', cursor, resuming: true, maxPages });
    all.push(...next.records);
    runs++;
    if (next.cursor === cursor || next.pages.length < maxPages || (next.cursor as { phase?: string }).phase !== 'full') {
      cursor = next.cursor;
      break;
    }
    cursor = next.cursor;
  }
  return { records: all, cursor, runs };
}

export { readStream };
