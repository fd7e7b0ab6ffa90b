import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stackFile } from '../../shared/local/stack';
import { jsonSender, startServer, urlOf, type RunningServer } from '../sandboxes/kit';

const ROOT = resolve(__dirname, '../..');
const ITEMS = 1000;
const PAGE = 100;
/** Pages from this one on wait for the gate: the sync is mid-way when the stack is killed. */
const HELD_FROM = 4;
const WEBHOOKS = 300;

interface Gate {
  server: RunningServer;
  pages: number[];
  held: number;
  open(): void;
}

/** A paged REST source (`GET /items?page&per_page` → `{ results }`, short page at the end) that can hold pages. */
async function startGatedSource(): Promise<Gate> {
  const send = jsonSender('application/json');
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const gate = { pages: [] as number[], held: 0, open: () => release() } as Gate;
  gate.server = await startServer(
    async (req, res) => {
      const url = urlOf(req);
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Number(url.searchParams.get('per_page') ?? PAGE);
      gate.pages.push(page);
      if (page >= HELD_FROM) {
        gate.held++;
        await opened;
      }
      const from = (page - 1) * size;
      const results = Array.from({ length: Math.max(0, Math.min(size, ITEMS - from)) }, (_, k) => ({ id: `it-${from + k}`, name: `item ${from + k}` }));
      send(res, 200, { results });
    },
    (res, err) => send(res, 500, { message: err.message }),
  );
  return gate;
}

interface Stack {
  child: ChildProcess;
  url: string;
  apiKey?: string;
  exited: Promise<number | null>;
}

/** `npm start` (scripts/start.ts) as a child process on `dir`, resolved once it listens. */
function npmStart(dir: string, first: boolean): Promise<Stack> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SWITCHBOARD_DATA_DIR: dir, ALLOW_LOOPBACK_TARGETS: undefined, LOG_LEVEL: 'error' };
  // tsx's loader in this very process (not the tsx CLI, which runs the script in a grandchild a SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    child.stdout!.on('data', (c) => {
      out += c;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      // On first start the key is printed after the listening line, with the demo integration.
      if (url && (!first || out.includes('Demo integration'))) done({ child, url, apiKey: /API key: (\S+)/.exec(out)?.[1], exited });
    });
    void exited.then((code) => fail(new Error(`npm start exited (${code}) before listening: ${out}${err}`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start: kill -9 during a sync with acknowledged webhooks', () => {
  let dir: string;
  let source: Gate;
  let stack: Stack | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-crash-'));
    source = await startGatedSource();
  });
  afterAll(async () => {
    source.open();
    if (stack && stack.child.exitCode === null) {
      stack.child.kill('SIGTERM');
      const late = setTimeout(() => stack?.child.kill('SIGKILL'), 10_000);
      await stack.exited;
      clearTimeout(late);
    }
    await source.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redelivers what was acknowledged after a restart: every event applied once, the run resumed and finished', async () => {
    // Prepare: a stack with a custom API integration that takes generic webhooks.
    stack = await npmStart(dir, true);
    const apiKey = stack.apiKey!;
    const call = async (url: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    };
    const created = await call(stack.url, 'POST', '/api/integrations', {
      name: 'crash',
      type: 'custom_api',
      status: 'inactive',
      config: { baseUrl: source.server.url, streams: [{ name: 'items', path: '/items', recordsPath: 'results', idPath: 'id', pagination: { kind: 'page', sizeParam: 'per_page', size: PAGE } }] },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const hook = await call(stack.url, 'PUT', `/api/integrations/${id}/webhook`, { signatureHeader: 'X-Hook-Signature', dataType: 'orders', idPath: 'order.id' });
    expect(hook.status).toBe(200);
    const secret = hook.body.secret as string;

    // Act: a full sync held mid-way, 300 webhooks acknowledged, then SIGKILL.
    const sync = await call(stack.url, 'POST', `/api/integrations/${id}/sync`, { mode: 'full', dataTypes: ['items'] });
    expect(sync.status).toBe(202);
    const runId = sync.body.runId as string;
    await until('the sync to reach the held page', async () => (source.held > 0 ? true : undefined));
    const statuses: number[] = [];
    for (let i = 0; i < WEBHOOKS; i += 20) {
      const batch = Array.from({ length: Math.min(20, WEBHOOKS - i) }, (_, k) => {
        const body = JSON.stringify({ order: { id: `o-${i + k}` }, total: i + k });
        const ts = Math.floor(Date.now() / 1000);
        const sig = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
        return fetch(`${stack!.url}/webhooks/generic/${id}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hook-signature': sig, 'x-timestamp': String(ts) } }).then((r) => r.status);
      });
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(WEBHOOKS);
    stack.child.kill('SIGKILL');
    await stack.exited;
    const recorded = JSON.parse(readFileSync(stackFile(dir), 'utf8'));
    const before = await readStatus(dir, id, runId);
    expect(before.run).toBe('running');
    expect(before.pending).toBeGreaterThan(0);

    // The killed stack's pid now belongs to a live process that is not a stack: it must not block the restart.
    writeFileSync(stackFile(dir), JSON.stringify({ ...recorded, pid: process.pid }));
    const pagesBeforeKill = source.pages.length;
    source.open();
    stack = await npmStart(dir, false);
    const url = stack.url;

    // Assess
    const run = await until('the run to finish', async () => {
      const r = await call(url, 'GET', `/api/integrations/${id}/runs/${runId}`);
      return ['queued', 'running'].includes(r.body?.status) ? undefined : r.body;
    });
    expect(run).toMatchObject({ status: 'succeeded', stats: { failed: 0 } });
    expect(run.startedAt).not.toBeNull();
    // Resumed from its checkpoint, not from page 1.
    expect(source.pages.slice(pagesBeforeKill)).not.toContain(1);
    const items = await call(url, 'GET', `/api/integrations/${id}/data?dataType=items&limit=1000`);
    expect(new Set(items.body.data.map((r: { externalId: string }) => r.externalId)).size).toBe(ITEMS);

    const events = await until('every event to be applied', async () => {
      const r = await call(url, 'GET', `/api/integrations/${id}/events?limit=1000`);
      const list = r.body.events as { outcome: string; attempts?: number }[];
      return list.length === WEBHOOKS && list.every((e) => e.outcome !== 'pending') ? list : undefined;
    });
    expect(events.map((e) => `${e.outcome}x${e.attempts}`)).toEqual(Array(WEBHOOKS).fill('appliedx1'));
    const orders = await call(url, 'GET', `/api/integrations/${id}/data?dataType=orders&limit=1000`);
    expect(orders.body.data.map((r: { externalId: string }) => r.externalId).sort()).toEqual(Array.from({ length: WEBHOOKS }, (_, k) => `o-${k}`).sort());
  }, 180_000);
});

/** The run's status and the events still pending, read from the data folder of the dead stack. */
async function readStatus(dir: string, integrationId: string, runId: string): Promise<{ run?: string; pending: number }> {
  const { startLocalStack } = await import('../../shared/local/stack');
  const { WebhookStore } = await import('../../shared/store/webhooks');
  const s = await startLocalStack({ dataDir: dir, connectors: [] });
  try {
    const run = await s.app.runs.get(integrationId, runId);
    const log = await new WebhookStore(s.app.db).log(integrationId, 1000);
    return { run: run?.status, pending: log.items.filter((e) => e.outcome === 'pending').length };
  } finally {
    await s.close();
  }
}
