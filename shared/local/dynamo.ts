import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { AppError } from '../errors';

/**
 * Whether another process has the store open. LevelDB admits one opener and holds a file lock the OS drops
 * when that process dies, so this is true exactly while a live process (a stack, a CLI sync) uses the store.
 */
export async function storeInUse(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Level } = require('level') as { Level: new (p: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(path);
  try {
    await db.open();
    return false;
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    if (e.cause?.code === 'LEVEL_LOCKED' || e.code === 'LEVEL_LOCKED') return true;
    throw err;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * Opened twice, dynalite fails inside a request callback ("Database is closed") and takes the process down;
 * probing the lock first turns that into a plain error.
 */
export async function assertStoreFree(path: string): Promise<void> {
  if (await storeInUse(path))
    throw new AppError('data_dir_locked', `The store in ${path} is in use by another process (a sync still running?); wait for it to finish and retry.`, 409);
}

/**
 * dynalite: DynamoDB's API on LevelDB, in this process. With `path` it persists there (the local stack's
 * data folder); without, it lives in memory (tests). It has no transactions; nothing here uses them.
 */
export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => Server;
  if (opts.path) await assertStoreFree(opts.path);
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
