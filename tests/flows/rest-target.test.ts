import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { restTarget, runFlow, storeOnlySource, writeRecords } from './helpers';

describe('Flow to a REST endpoint (custom_api target)', () => {
  let stack: TestStack;
  let hook: CatchHook;
  let call: ReturnType<typeof api>;
  let sourceId: string;
  let hookId: string;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    hook = await startCatchHook({ requireEmail: true });
    call = api(stack.url!, stack.apiKey);
    sourceId = await storeOnlySource(call);
    hookId = await restTarget(call, hook.url);
    await writeRecords(stack, sourceId, [
      { Id: 'A1', Email: 'a@example.com', Name: 'Ann' },
      { Id: 'B2', Email: 'b@example.com', Name: 'Bob' },
      { Id: 'C3', Name: 'No Email' },
    ]);
  });
  afterAll(async () => {
    await stack.close();
    await hook.close();
  });

  const run = (flowId: string) => runFlow(stack, call, flowId);

  it('POSTs each mapped record to a catch hook, fails the one it refuses with its reason, and resends nothing unchanged', async () => {
    const flow = await call('POST', '/api/flows', {
      name: 'to zapier',
      source: { integrationId: sourceId, dataType: 'leads' },
      target: { integrationId: hookId, path: '/hooks/catch/123/abc/', method: 'POST' },
      mapping: { email: '${Email}', name: '${Name:uppercase}', source: 'switchboard' },
    });
    expect(flow.status).toBe(201);
    const r = await run(flow.body.id);
    expect(r.sync_summary).toMatchObject({ records_processed: 3, successful_transfers: 2, failed_transfers: 1 });
    expect(r.errors).toEqual([{ sourceId: 'C3', target: '/hooks/catch/123/abc/', reason: expect.stringContaining('answered 400') }]);
    expect(hook.received.map((x) => x.body)).toEqual([
      { email: 'a@example.com', name: 'ANN', source: 'switchboard' },
      { email: 'b@example.com', name: 'BOB', source: 'switchboard' },
    ]);
    const delivered = (await call('GET', `/api/flows/${flow.body.id}/deliveries?sourceId=A1`)).body.deliveries[0];
    expect(delivered).toMatchObject({ status: 'delivered', targetId: expect.any(String), attempts: 1 });

    await run(flow.body.id);
    expect(hook.received).toHaveLength(2);
  });

  it('PUTs to a path built from the source record', async () => {
    const flow = await call('POST', '/api/flows', {
      name: 'update contacts',
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id = 'B2'" },
      target: { integrationId: hookId, path: '/contacts/${Id}', method: 'PUT' },
      mapping: { email: '${Email}' },
    });
    const r = await run(flow.body.id);
    expect(r.sync_summary).toMatchObject({ records_processed: 1, successful_transfers: 1 });
    expect(hook.received.at(-1)).toEqual({ method: 'PUT', path: '/contacts/B2', body: { email: 'b@example.com' } });
    expect((await call('GET', `/api/flows/${flow.body.id}/deliveries?sourceId=B2`)).body.deliveries[0].targetId).toBe('B2');
  });

  it("renders the path's transforms in the flow's country and zone, as its mapping", async () => {
    await writeRecords(stack, sourceId, [{ Id: 'D4', Email: 'd@example.com', Phone: '020 7946 0018', At: '2026-11-30T23:30:00Z' }]);
    const flow = await call('POST', '/api/flows', {
      name: 'calls by number',
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id = 'D4'" },
      target: { integrationId: hookId, path: '/calls/${Phone:phone}/${At:date}', method: 'PUT' },
      mapping: { email: '${Email}', phone: '${Phone:phone}' },
      country: 'GB',
      timeZone: 'Asia/Tokyo',
    });
    expect(flow.status).toBe(201);
    await run(flow.body.id);
    expect(hook.received.at(-1)).toEqual({ method: 'PUT', path: '/calls/+442079460018/2026-12-01', body: { email: 'd@example.com', phone: '+442079460018' } });
  });
});
