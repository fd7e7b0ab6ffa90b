import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { median, progress } from './util';

/**
 * Each Lambda entry bundled the way serverless.yml's esbuild settings bundle it (bundle, minify, keepNames, node22, cjs,
 * import() as require(), its `exclude`s left out: the AWS SDK, the drivers layer's packages), and its module init
 * time: `require` of the bundle in a fresh node with the deployed environment's variables faked and our
 * node_modules standing in for the Lambda runtime's (/var/runtime/node_modules, where the SDK then comes from).
 * Init is what a cold start pays before the handler runs.
 */
const ROOT = resolve(__dirname, '..');

/** What serverless.yml's `custom.esbuild.exclude` leaves out of every bundle (read from it, so the two cannot drift). */
export function excluded(yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8')): string[] {
  const block = yml.match(/^ {4}exclude:\n((?: {6}(?:- .*|#.*)\n)+)/m);
  if (!block) throw new Error('serverless.yml: custom.esbuild.exclude not found');
  return [...block[1].matchAll(/^ {6}- (.+)$/gm)].map((m) => m[1].trim().replace(/^'(.*)'$/, '$1'));
}

/** The AWS SDK v3 and its Smithy runtime, which serverless.yml takes from the Lambda runtime. */
export const SDK = ['@aws-sdk/*', '@smithy/*'];

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
 * performance.now() around require(bundle), in a fresh process, printed as the only stdout line. What the bundle
 * left external it finds in our node_modules, as the deployed function finds the SDK in the Lambda runtime's.
 */
function initMs(bundle: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(bundle)});process.stdout.write(String(performance.now()-t))`;
  const env = {
    PATH: process.env.PATH ?? '',
    TABLE_NAME: 'switchboard-bench',
    QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/000000000000/switchboard-bench-',
    AWS_REGION: 'us-east-1',
    NODE_ENV: 'production',
    NODE_PATH: join(ROOT, 'node_modules'),
  };
  const out = execFileSync(process.execPath, ['-e', script], { env, cwd: tmpdir(), encoding: 'utf8' });
  return Number(out.trim());
}

export interface BundleFigures {
  bytes: number;
  initMs: number;
  /** The same function with the AWS SDK inside the bundle (pinned to our lockfile), for comparison. */
  sdkBundled?: { bytes: number; initMs: number };
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

/**
 * The functions also measured with the AWS SDK bundled. DynamoDB no longer goes through the SDK (our client in
 * shared/store/dynamo.ts), so what this weighs is the rest of it: util-dynamodb's marshalling, and the SQS, KMS
 * and S3 clients that load at first use, which a bundle carries and parses all the same.
 */
const SDK_VARIANT = ['api', 'scheduler', 'workers/hubspot'];

/** `runs` cold requires per bundle, the median reported; `only` limits the entries (the quick run's few). */
export async function benchBundles(runs = 5, only?: string[]): Promise<{ externals: string[]; entries: Record<string, BundleFigures> }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bundles-'));
  const out: Record<string, BundleFigures> = {};
  // The api function bundles the OpenAPI document `npm run build` writes, as `npm run package` builds it first.
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/openapi.ts'], { cwd: ROOT, stdio: 'ignore' });
  const externals = excluded();
  const bundle = (entry: string, outfile: string, external: string[]) =>
    build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: 'node', target: 'node22', minify: true, keepNames: true, format: 'cjs', supported: { 'dynamic-import': false }, external, outfile, logLevel: 'error', metafile: true });
  const measure = (outfile: string) => ({ bytes: statSync(outfile).size, initMs: Math.round(median(Array.from({ length: runs }, () => initMs(outfile))) * 10) / 10 });
  try {
    for (const entry of entries().filter((e) => !only || only.some((o) => e === `functions/${o}.ts`))) {
      const name = entry.replace(/^functions\//, '').replace(/\.ts$/, '');
      const outfile = join(dir, `${name.replace(/\//g, '__')}.js`);
      const result = await bundle(entry, outfile, externals);
      out[name] = { ...measure(outfile), largestKB: largest(result.metafile) };
      if (SDK_VARIANT.includes(name)) {
        const fat = outfile.replace(/\.js$/, '.sdk-bundled.js');
        await bundle(entry, fat, externals.filter((e) => !SDK.includes(e)));
        out[name].sdkBundled = measure(fat);
      }
      const v = out[name].sdkBundled;
      progress(`  ${name}: ${(out[name].bytes / 1024).toFixed(0)} KB, init ${out[name].initMs} ms${v ? `; SDK bundled: ${(v.bytes / 1024).toFixed(0)} KB, init ${v.initMs} ms` : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { externals, entries: out };
}
