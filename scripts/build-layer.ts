/**
 * `npm run package` (scripts/package.ts): the drivers layer (serverless.yml `layers.drivers`). Copies the database and SMTP drivers
 * and everything they depend on from our node_modules, as npm laid them out, into
 * .layers/drivers/nodejs/node_modules, where Lambda's NODE_PATH finds them. Offline, and pinned to our lockfile:
 * the very files the tests ran against.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..');

/** What the layer holds; serverless.yml's esbuild `exclude` lists the same names so no bundle carries them. */
export const DRIVERS = ['pg', 'mysql2', 'mssql', 'nodemailer'];

export const LAYER_DIR = join(ROOT, '.layers', 'drivers');

/** The installed package `name` as Node resolves it from `fromDir`: the nearest node_modules up to the root. */
function resolvePackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

/**
 * The package folders `names` need at runtime: their dependencies, and their optional ones where npm installed
 * them, transitively. Peer dependencies are the host's to provide (pg-native, @types/node) and are left out.
 */
export function closure(names: string[] = DRIVERS): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean) => {
    const dir = resolvePackage(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} is not installed (needed from ${relative(ROOT, fromDir) || '.'}): run npm ci`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, ROOT, false);
  return [...found].sort();
}

/** Source maps, type declarations, TypeScript sources and docs: half the bytes, none of them loaded at runtime. */
const NOT_RUNTIME = /\.(map|ts|mts|cts|md)$/;

/** Writes the layer afresh; returns the number of packages in it. */
export function buildLayer(outDir = LAYER_DIR): number {
  rmSync(outDir, { recursive: true, force: true });
  const packages = closure();
  for (const dir of packages) {
    // A package's own nested node_modules is copied only as far as the closure reaches into it.
    const nested = join(dir, 'node_modules');
    const copied = (src: string) => src !== nested && !src.startsWith(nested + sep) && !NOT_RUNTIME.test(src);
    cpSync(dir, join(outDir, 'nodejs', relative(ROOT, dir)), { recursive: true, filter: copied });
  }
  return packages.length;
}
