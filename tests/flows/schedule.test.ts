import { FlowService } from '../../shared/flows/service';
import { scheduleDue } from '../../shared/handlers/scheduler';
import { startTestStack, type TestStack } from '../helpers/stack';

describe('Scheduler: schedule flows', () => {
  let stack: TestStack;
  afterAll(() => stack.close());

  it('claims a due schedule flow once across overlapping ticks, then again after its interval', async () => {
    stack = await startTestStack();
    const flows = new FlowService(stack.app);
    const sf = await stack.svc.create(stack.tenantId, { name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 't0ken' }, status: 'inactive' });
    const hs = await stack.svc.create(stack.tenantId, { name: 'HS', type: 'hubspot', config: { baseUrl: 'http://127.0.0.1:9', accessToken: 'pat-1' }, status: 'inactive' });
    const base = { source: { integrationId: sf.id, dataType: 'leads' }, target: { integrationId: hs.id, object: 'contacts' }, mapping: { email: '${Email}' } };
    const due = await flows.create(stack.tenantId, { ...base, name: 'every 30 min', trigger: 'schedule', schedule: 30 });
    await flows.create(stack.tenantId, { ...base, name: 'manual' });
    await flows.create(stack.tenantId, { ...base, name: 'paused', trigger: 'schedule', schedule: 5, status: 'inactive' });

    const later = new Date(Date.now() + 60_000);
    const [a, b] = await Promise.all([scheduleDue(stack.app, later), scheduleDue(stack.app, later)]);
    expect(a.enqueued + b.enqueued).toBe(1);
    const runs = await flows.runs.list(due.id, 10);
    expect(runs.items).toEqual([expect.objectContaining({ trigger: 'schedule', status: 'queued' })]);
    expect(stack.queues.queue('flows').depth).toBe(1);

    expect((await scheduleDue(stack.app, new Date(later.getTime() + 29 * 60_000))).enqueued).toBe(0);
    expect((await scheduleDue(stack.app, new Date(later.getTime() + 31 * 60_000))).enqueued).toBe(1);

    // Switched to manual, it leaves the due index.
    const cur = await flows.flows.require(stack.tenantId, due.id);
    await flows.patch(stack.tenantId, due.id, { trigger: 'manual' }, cur.version);
    expect((await scheduleDue(stack.app, new Date(later.getTime() + 24 * 3600_000))).enqueued).toBe(0);
  });
});
