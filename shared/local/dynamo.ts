import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * dynalite: DynamoDB's API on LevelDB, in this process. With `path` it persists there (the local stack's
 * data folder); without, it lives in memory (tests). It has no transactions; nothing here uses them.
 */
export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => Server;
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
