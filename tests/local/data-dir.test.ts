import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../shared/local/stack';

/** Every path under `dir` with its permission bits. */
function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = { [dir]: statSync(dir).mode & 0o777 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, modes(p));
    else out[p] = statSync(p).mode & 0o777;
  }
  return out;
}

describe('Function: startLocalStack (data folder permissions)', () => {
  const prevUmask = process.umask(0o022);
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'sb-perm-'))));
  afterAll(() => {
    process.umask(prevUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('makes an existing 0755 folder 0700 and every file in it 0600, including the files the store creates afterwards', async () => {
    // Prepare: a folder left open by an older version, with a file and a subfolder in it.
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'old'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'old', 'demo.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'demo.json'), '{}', { mode: 0o644 });

    // Act: a stack writes to its store (LevelDB creates its files now), then closes.
    const stack = await startLocalStack({ dataDir: dir, connectors: [] });
    await stack.app.tenants.createTenant('perm');
    await stack.close();

    // Assess
    const all = modes(dir);
    expect(Object.keys(all).some((p) => p.startsWith(join(dir, 'db') + '/'))).toBe(true);
    for (const [p, mode] of Object.entries(all)) expect([p, mode.toString(8)]).toEqual([p, statSync(p).isDirectory() ? '700' : '600']);
  });
});
