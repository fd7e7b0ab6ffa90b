import { executeRun as runEngine } from '../../shared/engine/engine';
import type { Run } from '../../shared/store/runs';
import { hubspotIntegration, sourceIds } from '../helpers/hubspot-integration';
import type { TestStack } from '../helpers/stack';

/** The message's outcome ('done', 'busy', …). */
const executeRun = async (...args: Parameters<typeof runEngine>) => (await runEngine(...args)).outcome;

const forever = { remainingMs: () => Infinity, safetyMarginMs: 0, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))) };

async function sync(stack: TestStack, integrationId: string, body: Record<string, unknown>): Promise<Run> {
  const i = (await stack.app.integrations.get(stack.tenantId, integrationId))!;
  const run = await stack.svc.requestSync(i, body, 'manual');
  await stack.queues.drain();
  return (await stack.app.runs.get(integrationId, run.id))!;
}

async function storedIds(stack: TestStack, integrationId: string, dataType = 'contacts', includeDeleted = false): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.app.records.list(integrationId, { dataType, limit: 1000, cursor, includeDeleted });
    ids.push(...page.items.map((r) => r.externalId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids.sort();
}

/** The pipeline's behaviour, run against dynalite (pipeline.test.ts) and DynamoDB Local (pipeline.dynamodb-local.test.ts). */
export function pipelineScenarios(makeStack: () => Promise<TestStack>): void {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await makeStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('full then incremental: the store equals the source, and the incremental run fetches only what changed', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 250 });
    try {
      const full = await sync(stack, integration.id, { mode: 'full' });
      expect(full.status).toBe('succeeded');
      expect(full.stats).toMatchObject({ processed: 250, created: 250, updated: 0, failed: 0 });
      expect(await storedIds(stack, integration.id)).toEqual(sourceIds(sandbox));

      const changed = sandbox.setRecord('contacts', sourceIds(sandbox)[7], { firstname: 'Changed' });
      const added = sandbox.setRecord('contacts', undefined, { firstname: 'New', email: 'new@example.com' });
      const inc = await sync(stack, integration.id, { mode: 'incremental' });
      expect(inc.status).toBe('succeeded');
      // The lookback may re-read a few records at the old mark; they cost no writes.
      expect(inc.stats.created).toBe(1);
      expect(inc.stats.updated).toBe(1);
      expect(inc.stats.processed).toBeLessThan(20);
      expect(sandbox.searches.length).toBeGreaterThan(0);
      expect(await storedIds(stack, integration.id)).toEqual(sourceIds(sandbox));
      const rec = await stack.app.records.get(integration.id, 'contacts', changed.id);
      expect((rec!.data as { firstname?: string }).firstname).toBe('Changed');
      expect(await stack.app.records.get(integration.id, 'contacts', added.id)).toBeDefined();
    } finally {
      await sandbox.close();
    }
  });

  it('re-sync of unchanged data writes zero record items', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 300 });
    try {
      await sync(stack, integration.id, { mode: 'full' });
      const before = stack.app.db.writes;
      const again = await sync(stack, integration.id, { mode: 'full' });
      expect(again.status).toBe('succeeded');
      expect(again.stats).toMatchObject({ processed: 300, unchanged: 300, created: 0, updated: 0, deleted: 0 });
      expect(stack.app.db.writes - before).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it('dry run reports what would change and writes nothing, moves no cursor', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 120 });
    try {
      const before = stack.app.db.writes;
      const dry = await sync(stack, integration.id, { mode: 'full', dryRun: true });
      expect(dry.status).toBe('succeeded');
      expect(dry.stats.created).toBe(120);
      expect(stack.app.db.writes - before).toBe(0);
      expect(await storedIds(stack, integration.id)).toEqual([]);
      expect((await stack.app.state.get(integration.id, 'contacts'))?.cursor).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it('max-records stops at N', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 250 });
    try {
      const run = await sync(stack, integration.id, { mode: 'full', maxRecords: 130 });
      expect(run.stats.processed).toBe(130);
      expect((await storedIds(stack, integration.id)).length).toBe(130);
      expect(run.status).toBe('partial');
    } finally {
      await sandbox.close();
    }
  });

  it('a successful full run marks exactly the missing records deleted; a failed one marks nothing', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 150 });
    try {
      await sync(stack, integration.id, { mode: 'full' });
      const [gone1, gone2] = sourceIds(sandbox).slice(3, 5);
      sandbox.deleteRecord('contacts', gone1);
      sandbox.deleteRecord('contacts', gone2);

      // A client error is final (a transient one would only pause the run until the queue redelivers it).
      sandbox.failNext(400, 1);
      const failed = await sync(stack, integration.id, { mode: 'full' });
      expect(failed.status).toBe('failed');
      expect((await storedIds(stack, integration.id)).length).toBe(150);

      const ok = await sync(stack, integration.id, { mode: 'full' });
      expect(ok.status).toBe('succeeded');
      expect(ok.stats.deleted).toBe(2);
      expect(await storedIds(stack, integration.id)).toEqual(sourceIds(sandbox));
      const all = await storedIds(stack, integration.id, 'contacts', true);
      expect(all).toContain(gone1);
      expect((await stack.app.records.get(integration.id, 'contacts', gone1))!.deleted).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('a malformed page fails the run with a clear error, leaves the cursor, and the next run succeeds', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 250 });
    try {
      await sync(stack, integration.id, { mode: 'full' });
      const cursorBefore = (await stack.app.state.get(integration.id, 'contacts'))!.cursor;
      sandbox.setRecord('contacts', sourceIds(sandbox)[0], { firstname: 'X' });
      sandbox.malformNext(1);
      const bad = await sync(stack, integration.id, { mode: 'incremental' });
      expect(bad.status).toBe('failed');
      expect(bad.error).toMatch(/malformed|page|JSON/i);
      expect((await stack.app.state.get(integration.id, 'contacts'))!.cursor).toEqual(cursorBefore);
      const i = await stack.app.integrations.get(stack.tenantId, integration.id);
      expect(i!.errorMessage).toBeTruthy();
      const good = await sync(stack, integration.id, { mode: 'incremental' });
      expect(good.status).toBe('succeeded');
      expect(good.stats.updated).toBe(1);
      expect((await stack.app.integrations.get(stack.tenantId, integration.id))!.errorMessage).toBeNull();
    } finally {
      await sandbox.close();
    }
  });

  it('a 5xx burst and a 429 storm are retried: the run completes, retries and 429s counted, Retry-After honoured', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 400, rateLimit: { requests: 3, windowMs: 1000 }, retryAfterSeconds: 1 });
    try {
      sandbox.failNext(503, 3);
      const i = (await stack.app.integrations.get(stack.tenantId, integration.id))!;
      const run = await stack.svc.requestSync(i, { mode: 'full' }, 'manual');
      // Real waits here: Retry-After must be observed, not shortened.
      await stack.queues.drain();
      const done = (await stack.app.runs.get(integration.id, run.id))!;
      expect(done.status).toBe('succeeded');
      expect(done.stats.processed).toBe(400);
      expect(done.stats.retries).toBe(3); // the 503s; 429s are counted apart
      expect(done.stats.http429).toBeGreaterThanOrEqual(1);
      expect(sandbox.earlyRetries).toBe(0);
      expect(await storedIds(stack, integration.id)).toEqual(sourceIds(sandbox));
    } finally {
      await sandbox.close();
    }
  });

  it('the same message delivered twice runs once; two workers racing on one integration never read a stream together', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 500 });
    try {
      const i = (await stack.app.integrations.get(stack.tenantId, integration.id))!;
      const { newRun } = await import('../../shared/store/runs');
      const run = newRun(i, { mode: 'full', dryRun: false }, 'manual');
      await stack.app.runs.create(run);
      const msg = { kind: 'sync' as const, tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 };
      const [a, b] = await Promise.all([executeRun(stack.app, msg, { ...forever, holder: 'worker-a' }), executeRun(stack.app, msg, { ...forever, holder: 'worker-b' })]);
      // The loser either finds the run already started ('ignored') or finds its stream leased by the winner
      // ('busy', so SQS redelivers it later); it never reads alongside, and never overwrites the run.
      expect([a, b].filter((x) => x === 'done')).toHaveLength(1);
      expect(['ignored', 'busy']).toContain(a === 'done' ? b : a);
      const again = await executeRun(stack.app, msg, { ...forever, holder: 'worker-c' });
      expect(again).toBe('ignored');
      const final = (await stack.app.runs.get(i.id, run.id))!;
      expect(final.stats.created).toBe(500);
      expect(final.status).toBe('succeeded');
      expect(final.deletionsSkipped).toBeUndefined();
      expect(await stack.app.records.count(i.id, 'contacts')).toBe(500);

      // A second run while a worker holds the stream's lease waits its turn: it is 'busy' for its own run
      // (redelivered later) and never reads concurrently.
      const run2 = newRun(i, { mode: 'full', dryRun: false }, 'manual');
      await stack.app.runs.create(run2);
      const held = await stack.app.state.acquire(i.id, 'contacts', 'someone-else', run2.id, 60_000);
      expect(held).toBeDefined();
      const msg2 = { ...msg, runId: run2.id };
      expect(await executeRun(stack.app, msg2, { ...forever, holder: 'worker-d' })).toBe('busy');
      await stack.app.state.release(i.id, 'contacts', 'someone-else');
      expect(await executeRun(stack.app, msg2, { ...forever, holder: 'worker-d' })).toBe('done');
      expect((await stack.app.runs.get(i.id, run2.id))!.stats.unchanged).toBe(500);
    } finally {
      await sandbox.close();
    }
  });

  it('hands the run on to a continuation near the deadline and resumes from the cursor', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 450 });
    try {
      const i = (await stack.app.integrations.get(stack.tenantId, integration.id))!;
      const { newRun } = await import('../../shared/store/runs');
      const run = newRun(i, { mode: 'full', dryRun: false }, 'manual');
      await stack.app.runs.create(run);
      let pages = 0;
      const out = await executeRun(stack.app, { kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 }, {
        ...forever,
        remainingMs: () => (pages >= 2 ? 1000 : Infinity),
        safetyMarginMs: 5000,
        onProgress: () => pages++,
      });
      expect(out).toBe('continued');
      expect(stack.queues.queue('hubspot').depth).toBe(1);
      const mid = (await stack.app.runs.get(i.id, run.id))!;
      expect(mid).toMatchObject({ status: 'running', continuations: 1, handoff: true });
      expect(mid.stats.processed).toBe(200);
      await stack.queues.drain();
      const done = (await stack.app.runs.get(i.id, run.id))!;
      expect(done.status).toBe('succeeded');
      expect(done.stats.created).toBe(450);
      expect(done.deletionsSkipped).toBeUndefined();
      expect(await storedIds(stack, i.id)).toEqual(sourceIds(sandbox));
    } finally {
      await sandbox.close();
    }
  });
}
