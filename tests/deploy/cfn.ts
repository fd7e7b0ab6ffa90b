import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Reading the template and the zips `npm run package` writes (tests/deploy/template.test.ts). */

export const ROOT = join(__dirname, '..', '..');
export const OUT = join(ROOT, '.serverless');
export const STAGE = 'dev';
export const SERVICE = 'switchboard';
export const PREFIX = `${SERVICE}-${STAGE}`;

/** CloudFormation values are open-ended JSON: intrinsic functions, strings, lists. */
export type Json = unknown;
export interface Resource {
  Type: string;
  Properties: Record<string, Json>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
}
export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
}
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
}

/**
 * Runs `npm run package` with fake credentials and every phone-home switch off (there is no network); the
 * previous output is removed first so a stale template cannot pass. `args` go to osls (`--param=…`). Returns
 * the elapsed milliseconds.
 */
export async function runPackage(args: string[] = []): Promise<number> {
  rmSync(OUT, { recursive: true, force: true });
  const started = Date.now();
  await promisify(execFile)('npm', ['run', 'package', '--', ...args], {
    cwd: ROOT,
    maxBuffer: 32 * 1024 * 1024,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'us-east-1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_DEPRECATION_DISABLE: '*',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      CI: '1',
    },
  });
  return Date.now() - started;
}

export function readTemplate(): Template {
  return JSON.parse(readFileSync(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

export const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** The logical id an `Fn::GetAtt` / `Ref` points at, or undefined. */
export function refOf(v: Json): string | undefined {
  if (v && typeof v === 'object') {
    const o = v as Record<string, Json>;
    if (typeof o.Ref === 'string') return o.Ref;
    if (Array.isArray(o['Fn::GetAtt'])) return o['Fn::GetAtt'][0] as string;
  }
  return undefined;
}

export function statementsOf(role: Resource): Statement[] {
  const policies = (role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}
export const actionsOf = (role: Resource): string[] => statementsOf(role).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
export const resourcesOf = (s: Statement): Json[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Does the role allow `action`, literally or through a wildcard (`kms:*`, `*`)? */
export function allows(role: Resource, action: string): boolean {
  return actionsOf(role).some((a) => a === '*' || a.toLowerCase() === action.toLowerCase() || (a.endsWith('*') && action.toLowerCase().startsWith(a.slice(0, -1).toLowerCase())));
}

/** The Lambda function resource (logical id and resource) whose FunctionName is `${PREFIX}-${key}`. */
export function lambdaByKey(t: Template, key: string): [string, Resource] | undefined {
  return ofType(t, 'AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === `${PREFIX}-${key}`);
}

/** The Lambda logical id an HTTP API route key (`POST /webhooks/{proxy+}`) is integrated with. */
export function routeTarget(t: Template, routeKey: string): string | undefined {
  const route = ofType(t, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey)?.[1];
  if (!route) return undefined;
  const join = (route.Properties.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const integration = t.Resources[refOf(join[1]) ?? ''];
  return refOf(integration?.Properties.IntegrationUri);
}

/**
 * The route key HTTP API picks for a request (`GET`, `/api/flows/x1`) among `keys`: a full match before a greedy
 * `{proxy+}` one, then the most literal segments, then the request's own method before ANY; among greedy
 * matches, the longest prefix.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html#http-api-develop-routes.evaluation
 */
export function selectRoute(keys: string[], method: string, path: string): string | undefined {
  const segs = path.split('/').slice(1);
  const score = (key: string): number[] | undefined => {
    const [m, p] = key.split(' ');
    if (m !== 'ANY' && m !== method) return undefined;
    const route = p.split('/').slice(1);
    const greedy = route.at(-1)?.endsWith('+}') ?? false;
    const fixed = greedy ? route.slice(0, -1) : route;
    if (greedy ? segs.length <= fixed.length : segs.length !== fixed.length) return undefined;
    if (!fixed.every((r, i) => /^\{\w+\}$/.test(r) || r === segs[i])) return undefined;
    return [greedy ? 0 : 1, fixed.filter((r) => !r.startsWith('{')).length, fixed.length, m === method ? 1 : 0];
  };
  const ranked = keys.flatMap((k) => (score(k) ? [{ k, s: score(k)! }] : []));
  // Higher scores first, compared left to right.
  const order = (a: number[], b: number[]) => {
    const i = a.findIndex((x, j) => x !== b[j]);
    return i < 0 ? 0 : b[i] - a[i];
  };
  return ranked.sort((x, y) => order(x.s, y.s))[0]?.k;
}

/** Every HTTP API route key integrated with the function of logical id `fnId`, sorted. */
export const routesTo = (t: Template, fnId: string): string[] =>
  ofType(t, 'AWS::ApiGatewayV2::Route')
    .map(([, r]) => String(r.Properties.RouteKey))
    .filter((key) => routeTarget(t, key) === fnId)
    .sort();

/** The role resource a function runs with. */
export function roleOf(t: Template, fn: Resource): [string, Resource] {
  const id = refOf(fn.Properties.Role);
  if (!id || !t.Resources[id]) throw new Error(`function ${String(fn.Properties.FunctionName)} has no role in the template`);
  return [id, t.Resources[id]];
}

/**
 * A `resources/core.js` fragment (`resources`, `functions`) as osls resolves it with these variables (others
 * empty), without osls. Run in a plain node child: core.js loads TypeScript (the registry, the functions' route
 * tables) through tsx, whose loader does not run inside jest's module system.
 */
function coreFragment(fragment: 'resources' | 'functions', vars: Record<string, string>): unknown {
  const script = `require(${JSON.stringify(join(ROOT, 'resources/core.js'))})
    .${fragment}({ resolveVariable: async (v) => (${JSON.stringify(vars)})[v] ?? '' })
    .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 }));
}

export const coreResources = (service = SERVICE, stage = STAGE): Template => coreFragment('resources', { 'self:service': service, 'sls:stage': stage }) as Template;

/** The `functions` fragment with these stage parameters (`oidcIssuer`…). */
export const coreFunctions = (params: Record<string, string> = {}): unknown => coreFragment('functions', Object.fromEntries(Object.entries(params).map(([k, v]) => [`param:${k}`, v])));

/** Zip file names and sizes in `.serverless/`. */
export function zips(): Array<{ name: string; bytes: number }> {
  if (!existsSync(OUT)) return [];
  return readdirSync(OUT)
    .filter((f) => f.endsWith('.zip'))
    .map((name) => ({ name, bytes: statSync(join(OUT, name)).size }));
}

/** Entry names of a zip (`unzip -Z1`). */
export const zipEntries = (zip: string): string[] => execFileSync('unzip', ['-Z1', join(OUT, zip)], { encoding: 'utf8' }).split('\n').filter(Boolean);

/** All the text in a zip, concatenated (`unzip -p`): the bundle to search for other connectors' code. */
export const zipText = (zip: string): string => execFileSync('unzip', ['-p', join(OUT, zip)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

/** Uncompressed bytes of a zip's files (`unzip -p`): the code a cold start reads and compiles. */
export const unzippedBytes = (zip: string): number => execFileSync('unzip', ['-p', join(OUT, zip)], { maxBuffer: 256 * 1024 * 1024 }).length;
