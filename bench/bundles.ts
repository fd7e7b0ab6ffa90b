import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { median, progress } from './util';

/**
 * Each Lambda entry bundled the way serverless.yml's esbuild settings bundle it (bundle, minify, node22, cjs;
 * the AWS SDK v3 inside the bundle), and its module init time: `require` of the bundle in a fresh node with
 * the deployed environment's variables faked. Init is what a cold start pays before the handler runs.
 */
const ROOT = resolve(__dirname, '..');

/**
 * What cannot be bundled, as serverless.yml `exclude`s it: better-sqlite3 is a native addon (SQLite is not
 * offered on Lambda); pg-native and `cloudflare:sockets` are optional requires of pg that its code guards.
 * (tedious's and mysql2's optional extras are plain JS or guarded requires and bundle without help.)
 */
export const EXTERNALS = ['better-sqlite3', 'pg-native', 'cloudflare:sockets'];

/** Every Lambda entry: `functions/*.ts` (api first, the one users wait on) and `functions/workers/*.ts`. */
export function entries(): string[] {
  const ts = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => `${dir}/${f}`);
  const top = ts('functions').sort((a, b) => Number(b === 'functions/api.ts') - Number(a === 'functions/api.ts'));
  return [...top, ...ts('functions/workers')];
}

/**
 * performance.now() around require(bundle), in a fresh process, printed as the only stdout line. `nodePath`:
 * where the bundle finds what it left external (the AWS SDK variant finds it in our node_modules, standing in
 * for the Lambda runtime's /var/runtime/node_modules).
 */
function initMs(bundle: string, nodePath?: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(bundle)});process.stdout.write(String(performance.now()-t))`;
  const env = {
    PATH: process.env.PATH ?? '',
    TABLE_NAME: 'switchboard-bench',
    QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/000000000000/switchboard-bench-',
    AWS_REGION: 'us-east-1',
    NODE_ENV: 'production',
    ...(nodePath ? { NODE_PATH: nodePath } : {}),
  };
  const out = execFileSync(process.execPath, ['-e', script], { env, cwd: tmpdir(), encoding: 'utf8' });
  return Number(out.trim());
}

export interface BundleFigures {
  bytes: number;
  initMs: number;
  /** The same function with the AWS SDK taken from the Lambda runtime instead of the bundle. */
  sdkFromRuntime?: { bytes: number; initMs: number };
  /** The biggest contributors to the bundle, in KB (node_modules package or our folder). */
  largestKB: Record<string, number>;
}

function largest(metafile: Metafile): Record<string, number> {
  const by: Record<string, number> = {};
  for (const o of Object.values(metafile.outputs))
    for (const [file, v] of Object.entries(o.inputs)) {
      const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const key = m ? m[1] : file.split('/').slice(0, 2).join('/');
      by[key] = (by[key] ?? 0) + v.bytesInOutput;
    }
  return Object.fromEntries(
    Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([k, v]) => [k, Math.round(v / 1024)]),
  );
}

/** The functions whose bundle is also measured with the AWS SDK left to the Lambda runtime. */
const SDK_VARIANT = ['api', 'scheduler', 'workers/hubspot'];

/** `runs` cold requires per bundle, the median reported; `only` limits the entries (the quick run's few). */
export async function benchBundles(runs = 5, only?: string[]): Promise<{ externals: string[]; entries: Record<string, BundleFigures> }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bundles-'));
  const out: Record<string, BundleFigures> = {};
  const bundle = (entry: string, outfile: string, external: string[]) =>
    build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: 'node', target: 'node22', minify: true, format: 'cjs', external, outfile, logLevel: 'error', metafile: true });
  try {
    for (const entry of entries().filter((e) => !only || only.some((o) => e === `functions/${o}.ts`))) {
      const name = entry.replace(/^functions\//, '').replace(/\.ts$/, '');
      const outfile = join(dir, `${name.replace(/\//g, '__')}.js`);
      const result = await bundle(entry, outfile, EXTERNALS);
      const inits = Array.from({ length: runs }, () => initMs(outfile));
      out[name] = { bytes: statSync(outfile).size, initMs: Math.round(median(inits) * 10) / 10, largestKB: largest(result.metafile) };
      if (SDK_VARIANT.includes(name)) {
        const lean = outfile.replace(/\.js$/, '.sdk-external.js');
        await bundle(entry, lean, [...EXTERNALS, '@aws-sdk/*', '@smithy/*']);
        const leanInits = Array.from({ length: runs }, () => initMs(lean, join(ROOT, 'node_modules')));
        out[name].sdkFromRuntime = { bytes: statSync(lean).size, initMs: Math.round(median(leanInits) * 10) / 10 };
      }
      const v = out[name].sdkFromRuntime;
      progress(`  ${name}: ${(out[name].bytes / 1024).toFixed(0)} KB, init ${out[name].initMs} ms${v ? `; SDK from the runtime: ${(v.bytes / 1024).toFixed(0)} KB, init ${v.initMs} ms` : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { externals: EXTERNALS, entries: out };
}
