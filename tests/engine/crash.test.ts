import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { executeRun, WRITE_AHEAD } from '../../shared/engine/engine';
import { CHECKPOINT_PAGES } from '../../shared/engine/pipeline';
import { newRun } from '../../shared/store/runs';
import { hubspotIntegration, sourceIds } from '../helpers/hubspot-integration';
import { startTestStack, type TestStack } from '../helpers/stack';

/** `after` of an in-progress HubSpot list cursor, as a number (the sandbox's ids are numeric). */
const position = (cursor: unknown): number => Number((cursor as { next?: { after?: string } } | null)?.next?.after ?? NaN);

describe('Crash and resume', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('a worker process killed mid-sync (SIGKILL) is resumed from its cursor: store equals source, nothing twice, cursor never back', async () => {
    // 10 pages a second: slow enough to kill the child part-way, fast enough for a test.
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 3000, rateLimit: { requests: 10, windowMs: 1000 }, retryAfterSeconds: 1 });
    try {
      const i = (await stack.app.integrations.get(stack.tenantId, integration.id))!;
      const run = newRun(i, { mode: 'full', dryRun: false, dataTypes: ['contacts'] }, 'manual');
      await stack.app.runs.create(run);
      const msg = { kind: 'sync' as const, tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 };
      const keyFile = (stack.app.sealer.ring as unknown as { id: string }).id.replace(/^local:/, '');

      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-worker.ts'), stack.dynamoEndpoint, keyFile, JSON.stringify(msg)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if ((out.match(/page /g) ?? []).length >= 6) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      expect(child.signalCode).toBe('SIGKILL');
      expect(out).not.toContain('done');

      const atKill = await stack.app.state.get(i.id, 'contacts');
      expect(atKill).toMatchObject({ runId: run.id, inProgress: true });
      const killedAt = position(atKill!.cursor);
      expect(killedAt).toBeGreaterThan(0);
      const storedAtKill = await stack.app.records.count(i.id, 'contacts');
      expect(storedAtKill).toBeGreaterThanOrEqual(100);
      expect(storedAtKill).toBeLessThan(3000);

      // The redelivered message: the dead worker's lease lapses, then the run resumes from the cursor.
      const positions: number[] = [killedAt];
      const resume = () =>
        executeRun(stack.app, msg, {
          remainingMs: () => Infinity,
          safetyMarginMs: 0,
          holder: 'resumer',
          onProgress: () =>
            void stack.app.state.get(i.id, 'contacts').then((s) => {
              const p = position(s?.cursor);
              if (!Number.isNaN(p)) positions.push(p);
            }),
        }).then((r) => r.outcome);
      let outcome = await resume();
      expect(outcome).toBe('busy');
      for (let t = 0; outcome === 'busy' && t < 50; t++) {
        await new Promise((r) => setTimeout(r, 200));
        outcome = await resume();
      }
      expect(outcome).toBe('done');
      await new Promise((r) => setTimeout(r, 50));
      const done = (await stack.app.runs.get(i.id, run.id))!;
      expect(done.status).toBe('succeeded');
      expect(done.deletionsSkipped).toMatch(/interrupt/);
      // The resumed run created exactly what the dead one had not stored: nothing was created twice.
      expect((await stack.app.records.count(i.id, 'contacts')) - storedAtKill).toBeGreaterThan(0);
      expect(await stack.app.records.count(i.id, 'contacts')).toBe(3000);
      expect(sourceIds(sandbox).length).toBe(3000);
      for (let k = 1; k < positions.length; k++) expect(positions[k]).toBeGreaterThanOrEqual(positions[k - 1]);
      expect(positions.length).toBeGreaterThan(3);
      // 30 pages of 100; at most these are read again: the pages made durable since the last stored checkpoint
      // (CHECKPOINT_PAGES at most), and those in flight at the kill: WRITE_AHEAD being written, one downloaded and
      // waiting for room in the pipeline, and the one prefetched behind it.
      const listRequests = Object.entries(sandbox.requests).filter(([p]) => p.endsWith('/crm/v3/objects/contacts')).reduce((n, [, c]) => n + c, 0);
      const answered = listRequests - sandbox.http429;
      expect(answered).toBeGreaterThanOrEqual(30);
      expect(answered).toBeLessThanOrEqual(30 + CHECKPOINT_PAGES + WRITE_AHEAD + 2);
      const resting = await stack.app.state.get(i.id, 'contacts');
      expect(resting).toMatchObject({ inProgress: false });
      expect(resting!.lease).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});
