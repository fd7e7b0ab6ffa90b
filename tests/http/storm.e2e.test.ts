import { hubspotIntegration, sourceIds } from '../helpers/hubspot-integration';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Issue 8 item 9: six 429s (Retry-After: 1) and then a 502 on one request used to exhaust the shared retries and fail the run. */
describe('A 429 is not a failure (HubSpot sandbox → engine → dynalite)', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(() => stack.close());

  it('six 429s with Retry-After: 1 and a 502 on one request: the run succeeds and the store equals the source', async () => {
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 300, retryAfterSeconds: 1 });
    try {
      sandbox.failNext(429, 6);
      sandbox.failNext(502, 1);
      const i = (await stack.app.integrations.get(stack.tenantId, integration.id))!;
      const queued = await stack.svc.requestSync(i, { mode: 'full' }, 'manual');
      await stack.queues.drain();
      const run = (await stack.app.runs.get(integration.id, queued.id))!;
      expect(run.status).toBe('succeeded');
      expect(run.stats).toMatchObject({ processed: 300, http429: 6, retries: 1 });
      expect(sandbox.earlyRetries).toBe(0);
      const stored = (await stack.app.records.list(integration.id, { dataType: 'contacts', limit: 1000 })).items.map((r) => r.externalId).sort();
      expect(stored).toEqual(sourceIds(sandbox));
    } finally {
      await sandbox.close();
    }
  });
});
