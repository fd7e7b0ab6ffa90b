import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds the store, the key ring and API key hashes: only its owner may read it. A folder that
 * already existed (mkdir's mode applies only on creation) and what is in it are tightened, and the umask makes
 * every file the store creates later (LevelDB adds tables and logs as it compacts) 0600 as well.
 */
export function privateDataDir(dir: string): void {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) tighten(join(dir, e.name));
    else if (e.isFile()) chmodSync(join(dir, e.name), 0o600);
  }
}
