import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { restTarget, storeOnlySource, writeRecords } from './helpers';

describe('Realtime flows: record changes captured from the store', () => {
  let stack: TestStack;
  let hook: CatchHook;
  let call: ReturnType<typeof api>;
  let sourceId: string;
  let hookId: string;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    hook = await startCatchHook();
    call = api(stack.url!, stack.apiKey);
    sourceId = await storeOnlySource(call);
    hookId = await restTarget(call, hook.url);
  });
  afterAll(async () => {
    await stack.close();
    await hook.close();
  });

  const write = (data: Record<string, unknown>, dataType = 'leads') => writeRecords(stack, sourceId, [data], dataType);
  const settle = async () => {
    await stack.stream.flush();
    await stack.queues.drain();
  };

  it('delivers each changed record of a realtime flow once, and nothing for other data types, paused or non-realtime flows', async () => {
    await write({ Id: 'OLD', Email: 'old@example.com' });
    const body = (over: Record<string, unknown>) => ({
      name: 'rt',
      source: { integrationId: sourceId, dataType: 'leads', filter: "Status = 'Hot'" },
      target: { integrationId: hookId, path: '/hooks/catch/1/rt/', method: 'POST' },
      mapping: { email: '${Email}' },
      trigger: 'realtime',
      ...over,
    });
    const rt = (await call('POST', '/api/flows', body({}))).body;
    await call('POST', '/api/flows', body({ name: 'manual', trigger: 'manual' }));
    const paused = (await call('POST', '/api/flows', body({ name: 'paused', status: 'inactive' }))).body;
    await settle();
    // A new realtime flow does not backfill by itself.
    expect(hook.received).toHaveLength(0);

    await write({ Id: 'L1', Email: 'one@example.com', Status: 'Hot' });
    await write({ Id: 'L2', Email: 'two@example.com', Status: 'Cold' });
    await write({ Id: 'X1', Email: 'x@example.com', Status: 'Hot' }, 'contacts');
    await settle();
    expect(hook.received.map((r) => r.body)).toEqual([{ email: 'one@example.com' }]);

    // The same record written again unchanged in payload: nothing new is sent; changed: sent once more.
    await write({ Id: 'L1', Email: 'one@example.com', Status: 'Hot', Note: 'x' });
    await settle();
    expect(hook.received).toHaveLength(1);
    await write({ Id: 'L1', Email: 'uno@example.com', Status: 'Hot' });
    await settle();
    expect(hook.received.map((r) => r.body)).toEqual([{ email: 'one@example.com' }, { email: 'uno@example.com' }]);

    const runs = (await call('GET', `/api/flows/${rt.id}/runs`)).body.runs;
    expect(runs.every((r: { trigger: string; status: string }) => r.trigger === 'realtime' && r.status === 'succeeded')).toBe(true);
    expect((await call('GET', `/api/flows/${paused.id}/runs`)).body.runs).toHaveLength(0);

    // Switched to manual, it stops receiving changes.
    await call('PATCH', `/api/flows/${rt.id}`, { trigger: 'manual' });
    await write({ Id: 'L1', Email: 'eins@example.com', Status: 'Hot' });
    await settle();
    expect(hook.received).toHaveLength(2);
  });
});
