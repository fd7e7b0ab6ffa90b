import { scheduleDue } from '../../shared/handlers/scheduler';
import { startTestStack, type TestStack } from '../helpers/stack';

const customApi = (name: string) => ({
  name,
  type: 'custom_api',
  config: { baseUrl: 'http://127.0.0.1:9', method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'items', path: '/items', recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } }] },
});

describe('Scheduler', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(() => stack.close());

  it('enqueues each due integration once, even when two ticks overlap, and only active ones', async () => {
    const a = await stack.svc.create(stack.tenantId, customApi('a'));
    const b = await stack.svc.create(stack.tenantId, customApi('b'));
    const off = await stack.svc.create(stack.tenantId, { ...customApi('off'), status: 'inactive' });
    const later = new Date(Date.now() + 1000);
    const [t1, t2] = await Promise.all([scheduleDue(stack.app, later), scheduleDue(stack.app, later)]);
    expect(t1.enqueued + t2.enqueued).toBe(2);
    const q = stack.queues.queue('custom_api');
    const ids = q.messages.map((m) => JSON.parse(m.body).integrationId).sort();
    expect(ids).toEqual([a.id, b.id].sort());
    expect(ids).not.toContain(off.id);
    // Not due again until its interval has passed.
    expect((await scheduleDue(stack.app, new Date(later.getTime() + 59 * 60_000))).enqueued).toBe(0);
    expect((await scheduleDue(stack.app, new Date(later.getTime() + 61 * 60_000))).enqueued).toBe(2);
  });

  it('stops scheduling an integration after 5 consecutive failed runs, until it is edited', async () => {
    const i = await stack.svc.create(stack.tenantId, customApi('failing'));
    for (let n = 0; n < 5; n++) {
      await stack.svc.requestSync((await stack.app.integrations.get(stack.tenantId, i.id))!, { mode: 'full' }, 'manual');
      await stack.queues.drain();
    }
    const after = (await stack.app.integrations.get(stack.tenantId, i.id))!;
    expect(after.status).toBe('error');
    expect(after.consecutiveFailures).toBe(5);
    expect(after.errorMessage).toBeTruthy();
    expect((await scheduleDue(stack.app, new Date(Date.now() + 24 * 3600_000))).enqueued).toBe(0);
    await stack.svc.patch(stack.tenantId, i.id, { name: 'fixed' });
    expect((await stack.app.integrations.get(stack.tenantId, i.id))!.status).toBe('active');
    expect((await scheduleDue(stack.app, new Date(Date.now() + 1000))).enqueued).toBe(1);
  });
});
