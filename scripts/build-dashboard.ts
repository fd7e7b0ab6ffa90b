/**
 * `npm run build` (and `npm start`, `npm run package`): bundles the dashboard (shared/dashboard) with esbuild
 * into dist/dashboard: index.html, app.js, app.css. Offline: esbuild and the sources are all on disk.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_SRC = join(__dirname, '..', 'shared', 'dashboard');
export const DASHBOARD_OUT = join(__dirname, '..', 'dist', 'dashboard');

export async function buildDashboard(outDir = DASHBOARD_OUT): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(DASHBOARD_SRC, 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'app.css']) copyFileSync(join(DASHBOARD_SRC, f), join(outDir, f));
  return outDir;
}

if (require.main === module) {
  buildDashboard(process.argv[2]).then(
    (dir) => console.log(`dashboard built in ${dir}`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
