import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Imports point down. Each top-level folder (or file) of shared/ sits on a layer and imports only its own layer
 * or lower ones; within a layer, folders depend on each other in one direction only; no file imports itself back
 * through a chain. functions/ sit on top.
 */
const LAYERS: string[][] = [
  ['errors', 'log', 'config', 'json', 'validate', 'lambda-types', 'backoff'],
  ['http', 'crypto', 'queue', 'invoke', 'xml', 'blobs'],
  ['connectors', 'store', 'destinations', 'mapping', 'mail', 'actions'],
  ['services', 'engine', 'webhooks', 'notify', 'flows', 'reports', 'auth', 'bulk'],
  ['handlers', 'api'],
  ['cli', 'local'],
  ['functions'],
  // Browser code (the dashboard): it reads the API's types, never its code, and nothing server-side imports it.
  ['dashboard'],
];

const repo = join(__dirname, '..');
const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank] as const)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `shared/engine/stream.ts` → `engine`; `shared/errors.ts` → `errors`; `functions/…` → `functions`. */
function unitOf(file: string): string {
  const parts = relative(repo, file).split(sep);
  if (parts[0] === 'functions') return 'functions';
  return parts[1].replace(/\.ts$/, '');
}

function importsOf(file: string, which = /(?:from|import\()\s*'(\.\.?\/[^']+)'/g): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(which)].flatMap(([, spec]) => {
    const base = resolve(dirname(file), spec);
    const hit = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
    return hit ? [hit] : [];
  });
}

const files = [...tsFiles(join(repo, 'shared')), ...tsFiles(join(repo, 'functions'))];
const edges = files.flatMap((from) => importsOf(from).map((to) => [from, to] as const));
const rel = (p: string) => relative(repo, p);

describe('Imports point down', () => {
  it('every folder of shared/ has a layer', () => {
    expect([...new Set(files.map(unitOf))].filter((u) => !rankOf.has(u))).toEqual([]);
  });

  it('no import runs up a layer', () => {
    const up = edges.filter(([a, b]) => rankOf.get(unitOf(b))! > rankOf.get(unitOf(a))!).map(([a, b]) => `${rel(a)} → ${rel(b)}`);
    expect(up).toEqual([]);
  });

  it('folders on one layer depend on each other in one direction only', () => {
    const pairs = new Set(edges.filter(([a, b]) => unitOf(a) !== unitOf(b)).map(([a, b]) => `${unitOf(a)} ↔ ${unitOf(b)}`));
    const both = [...pairs].filter((p) => { const [a, b] = p.split(' ↔ '); return a < b && pairs.has(`${b} ↔ ${a}`); });
    expect(both).toEqual([]);
  });

  it('no file reaches itself through its imports', () => {
    const out = new Map<string, string[]>();
    for (const [a, b] of edges) out.set(a, [...(out.get(a) ?? []), b]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      state.set(f, 'open');
      for (const g of out.get(f) ?? []) {
        if (state.get(g) === 'open') cycles.push([...path.slice(path.indexOf(g)), g].map(rel).join(' → '));
        else if (!state.has(g)) visit(g, [...path, g]);
      }
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f, [f]);
    expect(cycles).toEqual([]);
  });

  it('the dashboard imports only types from the rest of shared/', () => {
    // `import type …` (one line, erased by esbuild) is allowed; any other import would bundle server code.
    const valueImport = /^(?!import type )[^\n]*(?:from|import\()\s*'(\.\.?\/[^']+)'/gm;
    const dashboard = files.filter((f) => unitOf(f) === 'dashboard');
    expect(dashboard.length).toBeGreaterThan(0);
    const valueOut = dashboard.flatMap((f) => importsOf(f, valueImport).filter((g) => unitOf(g) !== 'dashboard').map((g) => `${rel(f)} → ${rel(g)}`));
    expect(valueOut).toEqual([]);
  });
});

/** What a file's bundle carries: the files its value imports reach (`import type` is erased by esbuild). */
function bundled(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  for (const f of seen) {
    const text = readFileSync(f, 'utf8').replace(/^(?:import|export) type\b[^;]*;/gm, '');
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*'(\.\.?\/[^']+)'/g)) {
      const base = resolve(dirname(f), spec);
      const hit = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
      if (hit) seen.add(hit);
    }
  }
  return seen;
}

/** Connectors built on another's code: Genius and MarketSharp are presets of the database connector. */
const BUILT_ON: Record<string, string[]> = { genius: ['database'], marketsharp: ['database'] };

/** Functions that read no connector's spec (`lazyApp({})`), so they carry none. */
const NO_CONNECTOR = files.filter((f) => readFileSync(f, 'utf8').includes('lazyApp({})')).map(rel).sort();

describe('A worker carries its own connector alone', () => {
  const connectors = join(repo, 'shared', 'connectors');
  const workers = tsFiles(join(repo, 'functions', 'workers')).map((w) => {
    const type = rel(w).replace(/^functions\/workers\/(.+)\.ts$/, '$1');
    return [rel(w), [type, ...(BUILT_ON[type] ?? [])]] as const;
  });

  it('the functions without a connector are the notification worker, flowDispatch, dailySummary, settings, webhooks and the scheduler', () => {
    expect(NO_CONNECTOR).toEqual(['daily-summary', 'flow-dispatch', 'notify', 'scheduler', 'settings', 'webhooks'].map((f) => `functions/${f}.ts`));
  });

  it.each(NO_CONNECTOR)('%s reaches no code that reads a connector\'s spec (`app.specs`)', (entry) => {
    // An empty list would fail such code at run time (an unknown type), in a path no bundle check sees.
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect([...bundled(join(repo, entry))].filter((f) => /\bapp\.specs\b/.test(code(f))).map(rel)).toEqual([]);
  });

  it.each([...workers.map(([w]) => w), 'functions/webhooks.ts'])('%s carries neither the API\'s request schemas nor the notification channels\' code', (entry) => {
    // Built at load, they cost every cold start; a worker or a webhook only raises events (notify/notify.ts).
    const heavy = ['shared/services/schemas.ts', 'shared/notify/service.ts', 'shared/notify/events.ts'];
    expect([...bundled(join(repo, entry))].map(rel).filter((f) => heavy.includes(f))).toEqual([]);
  });

  it.each([...workers, ...NO_CONNECTOR.map((f) => [f, []] as const)])('%s reaches neither the registries nor another connector\'s folder', (entry, types) => {
    const own = types.map((t) => join(connectors, t) + sep);
    const others = [...bundled(join(repo, entry))].filter(
      (f) => dirname(f) === connectors ? /\/(specs|all)\.ts$/.test(f) : f.startsWith(connectors + sep) && !own.some((o) => f.startsWith(o)),
    );
    expect(own.filter((o) => !existsSync(o))).toEqual([]);
    expect(others.map(rel)).toEqual([]);
  });
});
