import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');

/**
 * `npm start` runs under tsx, where `await import('mssql')` (a CommonJS module whose exports are not
 * statically visible) yields the module only as `default`. Jest compiles imports to require() and would never
 * see it, so this opens the dialect in a tsx child, as the stack does. No SQL Server runs here: a closed
 * loopback port shows the dialect gets as far as connecting.
 */
describe('Dialect: mssql under tsx (issue 8 item 13)', () => {
  it('builds its connection pool and fails only at connecting to the closed port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-mssql-'));
    const script = join(dir, 'open.ts');
    writeFileSync(
      script,
      `import { mssql } from ${JSON.stringify(join(ROOT, 'shared/connectors/database/dialects/mssql'))};
mssql.connect({ dialect: 'mssql', host: '127.0.0.1', port: 1, database: 'ms', username: 'sa', password: 'x', tables: [], pageSize: 10 } as never)
  .then(() => console.log('connected'), (err: Error) => console.log('error: ' + err.message));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), script], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).not.toContain('is not a constructor');
    expect(stdout.trim()).toMatch(/^error: Could not connect to 127\.0\.0\.1:1/);
  }, 90_000);
});
