import { executeRun } from '../../shared/engine/engine';
import { newRun } from '../../shared/store/runs';
import { startTestStack, type TestStack } from '../helpers/stack';
import { FIVE9_PATH, type Five9Sandbox, makeFive9Calls, makeFive9Contacts, startFive9Sandbox } from '../sandboxes/five9';

const USER = 'pipeline.admin@acme.example';
const PASSWORD = 'f9-pipeline-Pa55-42';
const HOUR = 3_600_000;

/** Five9 through the real engine and store: what the connector tests read, the engine writes, once. */
describe('Pipeline: five9', () => {
  let stack: TestStack;
  let sb: Five9Sandbox;
  beforeEach(async () => {
    stack = await startTestStack();
    // Calls well inside the one-day history, so the minute a run starts in does not matter. Two runs stay under
    // Five9's declared 30 requests a minute: 10 contact partitions and one report (3 calls) each.
    sb = await startFive9Sandbox({ username: USER, password: PASSWORD, contacts: makeFive9Contacts(40, '92'), calls: makeFive9Calls(30, Date.now() - 20 * HOUR, HOUR / 2), runningChecks: 1 });
  });
  afterEach(async () => {
    await sb.close();
    await stack.close();
  });

  const run = async (id: string, mode: 'full' | 'incremental') => {
    const i = (await stack.app.integrations.get(stack.tenantId, id))!;
    const r = newRun(i, { mode, dryRun: false, dataTypes: ['contacts', 'calls'] }, 'manual');
    await stack.app.runs.create(r);
    await executeRun(stack.app, { kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: r.id, continuation: 0 }, { remainingMs: () => Infinity, safetyMarginMs: 0, holder: 'test' });
    return (await stack.app.runs.get(i.id, r.id))!;
  };

  it('stores contacts and calls, re-syncs unchanged data without writes, and never logs the password', async () => {
    const integration = await stack.svc.create(stack.tenantId, {
      name: 'five9',
      type: 'five9',
      config: { baseUrl: `${sb.url}${FIVE9_PATH}`, username: USER, password: PASSWORD, historyDays: 1 },
    });
    const first = await run(integration.id, 'full');
    expect(first.status).toBe('succeeded');
    expect(await stack.app.records.count(integration.id, 'contacts')).toBe(40);
    expect(await stack.app.records.count(integration.id, 'calls')).toBe(30);
    expect(first.streams.calls).toMatchObject({ created: 30 });

    const again = await run(integration.id, 'incremental');
    expect(again.status).toBe('succeeded');
    expect(again.streams.contacts).toMatchObject({ created: 0, updated: 0, unchanged: 40 });
    // The incremental window starts an hour before the last one ended: nothing new, nothing rewritten.
    expect(again.streams.calls).toMatchObject({ created: 0, updated: 0 });
    expect(sb.calls.filter((c) => c.operation === 'runReport')).toHaveLength(2);
    expect(stack.logs.join('\n')).not.toContain(PASSWORD);
  });
});
