import type { App } from '../../shared/services/app';
import { webhookApplier } from '../../shared/webhooks/apply';

/** An app holding one stored hubspot event, recording what the applier marks and logs. */
function fakeApp() {
  const marked: string[] = [];
  const outcomes: Record<string, unknown>[] = [];
  const event = { tenantId: 't1', integrationId: 'i1', eventKey: 'e1', logSk: 'l1', provider: 'hubspot', applied: false };
  const app = {
    webhooks: {
      event: async () => event,
      countAttempt: async () => 1,
      mark: async (_i: string, _k: string, state: string) => void marked.push(state),
      setOutcome: async (_i: string, _sk: string, o: Record<string, unknown>) => void outcomes.push(o),
    },
    integrations: { get: async () => ({ tenantId: 't1', integrationId: 'i1', type: 'hubspot' }) },
  } as unknown as App;
  return { app, marked, outcomes };
}

const msg = { tenantId: 't1', integrationId: 'i1', eventKey: 'e1' };

describe('webhookApplier: each worker applies its own provider only', () => {
  it("applies an event with its provider's applier", async () => {
    const { app, marked, outcomes } = fakeApp();
    await webhookApplier({ hubspot: async () => 'done' })(app, msg);
    expect(marked).toEqual(['applied']);
    expect(outcomes).toEqual([{ outcome: 'applied', attempts: 1, reason: 'done' }]);
  });

  it('logs an event of a provider it has no applier for as failed, and acknowledges it (no redelivery)', async () => {
    const { app, marked, outcomes } = fakeApp();
    await expect(webhookApplier({ generic: async () => undefined })(app, msg)).resolves.toBeUndefined();
    expect(marked).toEqual([]);
    expect(outcomes).toEqual([{ outcome: 'failed', reason: 'no hubspot webhook applier in this function', attempts: 1 }]);
  });
});
