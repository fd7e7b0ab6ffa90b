import { createHmac } from 'node:crypto';
import { startGenericRestSandbox, type GenericItem, type GenericRestSandbox } from '../sandboxes/generic-rest';
import { api, createIntegration, events, post, records, startWebhookStack } from '../webhooks/stack';
import type { TestStack } from '../helpers/stack';

/** What a vendor's JSON can hold that the store cannot: a `__proto__` key (JSON.parse makes it an own key). */
const protoItem = (id: string) => JSON.parse(`{"id":"${id}","name":"P","__proto__":{"admin":true}}`) as GenericItem;

/** A record nested `depth` levels deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 'bottom' };
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
}

describe('Records the store cannot hold as they are', () => {
  let stack: TestStack;
  let sandbox: GenericRestSandbox;
  beforeAll(async () => {
    stack = await startWebhookStack();
  });
  afterAll(async () => stack?.close());
  afterEach(async () => sandbox?.close());

  async function syncItems(): Promise<{ id: string; run: Record<string, any> }> {
    const id = await createIntegration(stack, 'custom_api', {
      baseUrl: sandbox.url,
      streams: [{ name: 'items', path: '/api/cursor/items', query: { limit: 10 }, recordsPath: 'data', pagination: { kind: 'cursor', param: 'starting_after', next: 'meta.next_cursor' } }],
    });
    const started = await api(stack, 'POST', `/api/integrations/${id}/sync`, { mode: 'full' });
    expect(started.status).toBe(202);
    await stack.queues.drain();
    return { id, run: (await api(stack, 'GET', `/api/integrations/${id}/runs/${started.body.runId}`)).body };
  }

  it('one record with a __proto__ key is counted with its reason; the rest of its page and data type are stored', async () => {
    sandbox = await startGenericRestSandbox({ items: 25 });
    sandbox.items.splice(13, 0, protoItem('itm_00013b'));
    const { id, run } = await syncItems();
    expect(run.status).toBe('partial');
    expect(run.stats).toMatchObject({ processed: 26, created: 25, failed: 1 });
    expect(run.errors).toEqual([expect.objectContaining({ dataType: 'items', id: 'itm_00013b', reason: expect.stringMatching(/store rejected/) })]);
    const stored = (await records(stack, id, 'items')).map((r) => r.externalId).sort();
    expect(stored).toEqual(sandbox.items.map((i) => i.id).filter((x) => x !== 'itm_00013b').sort());
  });

  it('a source record nested 2,000 levels deep is stored and read back equal through the data API; the stack still answers', async () => {
    sandbox = await startGenericRestSandbox({ items: 12 });
    const deep = { ...sandbox.items[4], tree: nested(2000) };
    sandbox.items[4] = deep;
    const { id, run } = await syncItems();
    expect(run.status).toBe('succeeded');
    expect(run.stats).toMatchObject({ processed: 12, created: 12, failed: 0 });
    const back = (await records(stack, id, 'items')).find((r) => r.externalId === deep.id);
    expect(JSON.stringify(back!.data)).toBe(JSON.stringify(deep));
    // An unchanged re-sync recognises it: no rewrite of the deep record.
    const again = await api(stack, 'POST', `/api/integrations/${id}/sync`, { mode: 'full' });
    await stack.queues.drain();
    const second = (await api(stack, 'GET', `/api/integrations/${id}/runs/${again.body.runId}`)).body;
    expect(second.stats).toMatchObject({ unchanged: 12, updated: 0 });
    expect((await api(stack, 'GET', '/api/integrations')).status).toBe(200);
  });

  it('a generic webhook carrying a __proto__ record stores the others and says which one it could not store', async () => {
    const id = await createIntegration(stack, 'custom_api', { baseUrl: 'http://127.0.0.1:9', testPath: '/ping' });
    const hook = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, { dataType: 'orders', idPath: 'order.id' });
    const body = '[{"order":{"id":"w-1"},"total":1},{"order":{"id":"w-2"},"__proto__":{"x":1}},{"order":{"id":"w-3"},"total":3}]';
    const ts = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', hook.body.secret).update(`${ts}.${body}`).digest('hex');
    expect((await post(stack, `/webhooks/generic/${id}`, body, { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': String(ts) })).status).toBe(202);
    await stack.queues.drain();
    expect((await records(stack, id, 'orders')).map((r) => r.externalId).sort()).toEqual(['w-1', 'w-3']);
    const [event] = await events(stack, id);
    expect(event).toMatchObject({ outcome: 'applied', reason: expect.stringMatching(/1 of 3 records not stored: w-2: the store rejected/) });
  });
});
