import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectors } from '../../shared/connectors/all';
import { setLogSink } from '../../shared/log';
import { startLocalStack } from '../../shared/local/stack';
import { IntegrationService } from '../../shared/services/integrations';
import { jsonSender, startServer, urlOf, type RunningServer } from '../sandboxes/kit';

const ROOT = resolve(__dirname, '../..');
const PAGES = 60;
const PER_PAGE = 10;

/** A page-numbered API of 600 items whose pages from `holdFrom` on are held unanswered (a slow vendor). */
async function pagedApi() {
  const served = new Map<number, number>();
  let holdFrom = Infinity;
  const send = jsonSender('application/json');
  const server: RunningServer = await startServer(
    async (req, res) => {
      const page = Number(urlOf(req).searchParams.get('page') ?? 1);
      served.set(page, (served.get(page) ?? 0) + 1);
      if (page >= holdFrom) return; // never answered: the client is killed while it waits
      const results = Array.from({ length: PER_PAGE }, (_, k) => ({ id: `r${(page - 1) * PER_PAGE + k + 1}`, page }));
      send(res, 200, { results, has_more: page < PAGES });
    },
    (res) => res.destroy(),
  );
  return { url: server.url, served, close: () => server.close(), hold: (from: number) => void (holdFrom = from) };
}

function cli(args: string[], dataDir: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, ALLOW_LOOPBACK_TARGETS: 'true' };
  delete env.LOG_LEVEL;
  const child = spawn(process.execPath, ['bin/switchboard.cjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => ok({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const until = async (cond: () => boolean) => {
  for (let t = 0; !cond() && t < 600; t++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error('condition not reached in 30 s');
};

describe('CLI: an interrupted sync', () => {
  let api: Awaited<ReturnType<typeof pagedApi>>;
  let dir: string;
  let tenantId: string;
  const restoreLog = setLogSink(() => undefined);

  beforeEach(async () => {
    api = await pagedApi();
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-int-'));
  });
  afterEach(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => setLogSink(restoreLog));

  async function integration(): Promise<string> {
    const stack = await startLocalStack({ dataDir: dir, connectors });
    try {
      ({ tenantId } = await stack.app.tenants.createTenant('int-test'));
      const config = { baseUrl: api.url, streams: [{ name: 'items', path: '/items', recordsPath: 'results', pagination: { kind: 'page', param: 'page', sizeParam: 'per_page', size: PER_PAGE, hasMore: 'has_more' } }] };
      return (await new IntegrationService(stack.app).create(tenantId, { name: 'paged', type: 'custom_api', config })).id;
    } finally {
      await stack.close();
    }
  }

  async function stored(id: string): Promise<number> {
    const stack = await startLocalStack({ dataDir: dir, connectors });
    try {
      return await stack.app.records.count(id, 'items');
    } finally {
      await stack.close();
    }
  }

  it('killed with SIGKILL after 8 of 60 pages: the next sync says who holds the lease and until when, then resumes at page 9', async () => {
    const id = await integration();
    api.hold(9);
    const killed = cli(['sync', id, '--tenant', tenantId, '--full'], dir);
    await until(() => api.served.has(9));
    // Pages 1–8 are answered; give their writes and checkpoints a moment to land, then kill without warning.
    await new Promise((r) => setTimeout(r, 1500));
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    api.hold(Infinity);

    const blocked = await cli(['sync', id, '--tenant', tenantId, '--full'], dir).done;
    expect(blocked.stdout).toMatch(/items: run \S+ \(cli:[^)]+\) is reading this data type; its lease runs until \d{4}-\d\d-\d\dT/);
    expect(api.served.get(1)).toBe(1);

    // The dead reader's lease lapses one short TTL after its last heartbeat, not minutes later.
    let resumed: Record<string, any> | undefined;
    for (let t = 0; t < 10 && resumed?.status !== 'succeeded'; t++) {
      await new Promise((r) => setTimeout(r, 2500));
      resumed = JSON.parse((await cli(['sync', id, '--tenant', tenantId, '--full', '--json'], dir).done).stdout);
    }
    expect(resumed!.status).toBe('succeeded');
    for (let p = 1; p <= 8; p++) expect(api.served.get(p)).toBe(1);
    expect(api.served.get(9)).toBe(2);
    for (let p = 10; p <= PAGES; p++) expect(api.served.get(p)).toBe(1);
    expect(await stored(id)).toBe(PAGES * PER_PAGE);
  }, 90_000);

  it('stopped with SIGTERM: it releases its lease and closes the run, and the next sync starts at once from the checkpoint', async () => {
    const id = await integration();
    api.hold(5);
    const stopped = cli(['sync', id, '--tenant', tenantId, '--full'], dir);
    await until(() => api.served.has(5));
    await new Promise((r) => setTimeout(r, 1500));
    stopped.child.kill('SIGTERM');
    const end = await stopped.done;
    expect(end.code).toBe(143);
    expect(end.stderr).toMatch(/Interrupted \(SIGTERM\)/);
    api.hold(Infinity);

    const next = JSON.parse((await cli(['sync', id, '--tenant', tenantId, '--full', '--json'], dir).done).stdout);
    expect(next.status).toBe('succeeded');
    for (let p = 1; p <= 4; p++) expect(api.served.get(p)).toBe(1);
    expect(await stored(id)).toBe(PAGES * PER_PAGE);
  }, 60_000);
});
