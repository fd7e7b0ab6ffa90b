import { executeRun, type EngineOptions } from '../../shared/engine/engine';
import { newRun } from '../../shared/store/runs';
import { startGenericRestSandbox, type GenericRestSandbox } from '../sandboxes/generic-rest';
import { startTestStack, type TestStack } from '../helpers/stack';

const STREAM = { name: 'items', path: '/api/cursor/items', query: { limit: 10 }, recordsPath: 'data', pagination: { kind: 'cursor', param: 'starting_after', next: 'meta.next_cursor' } };
const quick = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5)));

describe('Transient source errors and leases', () => {
  let stack: TestStack;
  let sandbox: GenericRestSandbox;
  beforeEach(async () => {
    stack = await startTestStack();
    sandbox = await startGenericRestSandbox({ items: 57 });
  });
  afterEach(async () => {
    await sandbox.close();
    await stack.close();
  });

  async function fullRun() {
    const created = await stack.svc.create(stack.tenantId, { name: 'items', type: 'custom_api', config: { baseUrl: sandbox.url, streams: [STREAM] } });
    const i = (await stack.app.integrations.get(stack.tenantId, created.id))!;
    const run = newRun(i, { mode: 'full', dryRun: false }, 'manual');
    await stack.app.runs.create(run);
    const msg = { kind: 'sync' as const, tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 };
    const exec = (o: Partial<EngineOptions> = {}) => executeRun(stack.app, msg, { remainingMs: () => Infinity, safetyMarginMs: 0, sleep: quick, ...o });
    return { i, run, exec };
  }
  const firstPages = () => sandbox.requests.filter((r) => r.path === '/api/cursor/items' && !r.query.starting_after).length;

  it('a 5xx outlasting the retries pauses the run at its checkpoint; the redelivered message resumes there and the run succeeds', async () => {
    const { i, run, exec } = await fullRun();
    let pages = 0;
    const paused = await exec({ onProgress: () => ++pages === 3 && sandbox.failNext(503, 20) });
    expect(paused.outcome).toBe('retry');
    expect(paused.finished).toBeUndefined();
    const mid = (await stack.app.runs.get(i.id, run.id))!;
    expect(mid.status).toBe('running');
    expect(mid.streams.items).toMatchObject({ status: 'running', info: { waiting: expect.stringMatching(/503/), resumesAt: expect.any(String) } });
    expect(mid.streams.items.processed).toBeGreaterThanOrEqual(30);
    const state = (await stack.app.state.get(i.id, 'items'))!;
    expect(state).toMatchObject({ runId: run.id, inProgress: true });
    expect(state.lease).toBeUndefined();

    // Whatever of the 20 failures are left are spent by the next delivery's retries or pause it again.
    let again = await exec();
    for (let n = 0; again.outcome === 'retry' && n < 5; n++) again = await exec();
    expect(again.outcome).toBe('done');
    const done = (await stack.app.runs.get(i.id, run.id))!;
    expect(done.status).toBe('succeeded');
    expect(done.streams.items.info?.waiting).toBeUndefined();
    expect(await stack.app.records.count(i.id, 'items')).toBe(57);
    expect(firstPages()).toBe(1);
    // The ids seen before the pause were kept: the deletion pass still ran.
    expect(done.deletionsSkipped).toBeUndefined();
  });

  it('on the last delivery a transient error fails the run', async () => {
    const { i, run, exec } = await fullRun();
    sandbox.failNext(503, 20);
    const out = await exec({ lastDelivery: true });
    expect(out.outcome).toBe('done');
    expect((await stack.app.runs.get(i.id, run.id))!).toMatchObject({ status: 'failed', error: expect.stringMatching(/503/) });
  });

  it('through the queue: the worker reports the paused message as a batch item failure and its redelivery finishes the run', async () => {
    const created = await stack.svc.create(stack.tenantId, { name: 'items', type: 'custom_api', config: { baseUrl: sandbox.url, streams: [STREAM] } });
    const i = (await stack.app.integrations.get(stack.tenantId, created.id))!;
    sandbox.failNext(502, 9);
    const run = await stack.svc.requestSync(i, { mode: 'full' }, 'manual');
    await stack.queues.drain();
    expect((await stack.app.runs.get(i.id, run.id))!.status).toBe('succeeded');
    expect(await stack.app.records.count(i.id, 'items')).toBe(57);
    expect(stack.queues.queue('custom_api').deadLetters).toHaveLength(0);
  });

  it('a reader keeps its lease by heartbeat through a wait longer than the lease TTL; nobody else gets in', async () => {
    const { i, exec } = await fullRun();
    let pages = 0;
    let intruded = 0;
    let reading = true;
    const intruder = (async () => {
      while (reading) {
        await new Promise((r) => setTimeout(r, 50));
        // Only while the reader is mid-stream (6 pages in all): after its last page it releases the lease itself.
        const before = pages;
        if (before > 0 && before < 6 && (await stack.app.state.acquire(i.id, 'items', 'intruder', 'other-run', 60_000)) && pages < 6) intruded++;
      }
    })();
    // A 429 asking for 2 s: no page, no checkpoint, for three times the 600 ms lease.
    const out = await exec({ leaseTtlMs: 600, holder: 'reader', sleep: (ms) => new Promise((r) => setTimeout(r, ms)), onProgress: () => ++pages === 2 && sandbox.failNext(429, 1, { seconds: 2, form: 'seconds' }) });
    reading = false;
    await intruder;
    expect(out.outcome).toBe('done');
    expect(intruded).toBe(0);
    expect(await stack.app.records.count(i.id, 'items')).toBe(57);
  });

  it('a wait longer than a minute (a spent daily budget) goes back on the queue delayed until then, spending no receive; the run then resumes', async () => {
    const { i, run, exec } = await fullRun();
    let pages = 0;
    const before = Date.now();
    const waiting = await exec({ onProgress: () => ++pages === 2 && sandbox.failNext(429, 1, { seconds: 7200, form: 'seconds' }) });
    expect(waiting.outcome).toBe('deferred');
    const q = stack.queues.queue('custom_api');
    const [copy] = q.messages;
    const body = JSON.parse(copy.body);
    expect(body).toMatchObject({ kind: 'sync', runId: run.id, notBefore: expect.any(Number) });
    expect(body.notBefore).toBeGreaterThanOrEqual(before + 7_200_000);
    // SQS delays at most 15 minutes: the copy is hidden that long, then put back again while its time has not come.
    expect(copy.visibleAt).toBeGreaterThanOrEqual(before + 899_000);
    expect(copy.receiveCount).toBe(0);
    const mid = (await stack.app.runs.get(i.id, run.id))!;
    expect(mid.status).toBe('running');
    expect(Date.parse(mid.streams.items.info!.resumesAt as string)).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(await executeRun(stack.app, body, { remainingMs: () => Infinity, safetyMarginMs: 0 })).toMatchObject({ outcome: 'deferred' });
    expect(q.messages).toHaveLength(2);

    // Its time come, the message resumes the run from its checkpoint.
    const done = await executeRun(stack.app, { ...body, notBefore: Date.now() - 1 }, { remainingMs: () => Infinity, safetyMarginMs: 0, sleep: quick });
    expect(done.outcome).toBe('done');
    expect((await stack.app.runs.get(i.id, run.id))!.status).toBe('succeeded');
    expect(await stack.app.records.count(i.id, 'items')).toBe(57);
    expect(firstPages()).toBe(1);
  });
});
