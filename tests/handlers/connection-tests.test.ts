import { workerHandler } from '../../shared/handlers/worker';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { startTestStack, type TestStack } from '../helpers/stack';

/** A worker invoked directly (not from its queue) by the testConnection function: it runs the test and answers the outcome. */
describe('Function: withConnectionTests (a worker answering a direct invocation)', () => {
  let stack: TestStack;
  let sandbox: HubspotSandbox;
  let id: string;
  const ask = (tenantId: string, integrationId: string) => stack.invoker.invoke('workerHubspot', { kind: 'testConnection', tenantId, integrationId });

  beforeAll(async () => {
    stack = await startTestStack();
    sandbox = await startHubspotSandbox({ contacts: 1, companies: 0, deals: 0, rateLimit: false });
    id = (await stack.svc.create(stack.tenantId, { name: 'h', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: sandbox.token } })).id;
  });
  afterAll(async () => {
    await sandbox.close();
    await stack.close();
  });

  it('runs the test with the opened secrets and answers its outcome, never a secret', async () => {
    const answer = await ask(stack.tenantId, id);
    expect(answer).toEqual({ result: { ok: true, message: expect.any(String), latencyMs: expect.any(Number) } });
    expect(JSON.stringify(answer)).not.toContain(sandbox.token);
    expect(sandbox.requests['/crm/v3/objects/contacts']).toBeGreaterThan(0);
  });

  it('answers a failed test as ok: false and puts the integration in error, as the route always did', async () => {
    await stack.svc.patch(stack.tenantId, id, { config: { accessToken: 'wrong-token' } });
    const answer = (await ask(stack.tenantId, id)) as { result: { ok: boolean; message: string } };
    expect(answer.result.ok).toBe(false);
    expect(answer.result.message).not.toContain('wrong-token');
    expect((await stack.app.integrations.require(stack.tenantId, id)).status).toBe('error');
    await stack.svc.patch(stack.tenantId, id, { config: { accessToken: sandbox.token } });
  });

  it('answers another tenant\'s id (or one that is gone) with the route\'s 404, testing nothing', async () => {
    const other = await stack.app.tenants.createTenant('other');
    const before = sandbox.requests['/crm/v3/objects/contacts'];
    expect(await ask(other.tenantId, id)).toEqual({ error: { code: 'integration_not_found', message: expect.any(String), status: 404 } });
    expect(sandbox.requests['/crm/v3/objects/contacts']).toBe(before);
  });

  it('refuses an invocation that is not one (zod): Lambda reports it as the handler\'s error', async () => {
    const handler = workerHandler(() => stack.app);
    for (const event of [{ kind: 'testConnection', tenantId: stack.tenantId }, { kind: 'sync', tenantId: stack.tenantId, integrationId: id }, null])
      await expect(handler(event as never)).rejects.toThrow();
    // SQS batches still go to the queue handler.
    await expect(handler({ Records: [] }, { getRemainingTimeInMillis: () => 900_000 })).resolves.toEqual({ batchItemFailures: [] });
  });
});
