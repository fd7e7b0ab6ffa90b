import { connectors } from '../shared/connectors/all';
import { startLocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';
import { LIMIT } from './rate-limit';
import { progress, round } from './util';

/**
 * Records per request of a HubSpot full sync of contacts with their deal and company associations, through
 * the real stack against the sandbox with HubSpot's 100 requests / 10 s enforced. The list endpoint carries the
 * associations inline; only a contact with more than 100 of a type costs a batch read (one such contact here).
 */
export async function benchHubspotRequests(contacts: number) {
  const seed = await startHubspotSandbox({ contacts: 1, deals: 0, companies: 0 });
  const heavy = String(Number(seed.store.contacts.all()[0].id) + 6);
  await seed.close();
  const sandbox = await startHubspotSandbox({ contacts, deals: Math.max(150, contacts / 3), companies: contacts / 6, rateLimit: LIMIT, dealsOfContact: { [heavy]: 120 } });
  const stack = await startLocalStack({ connectors });
  try {
    const { tenantId } = await stack.app.tenants.createTenant('bench');
    const svc = new IntegrationService(stack.app);
    const integration = await svc.create(tenantId, { name: 'bench hubspot associations', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: sandbox.token, associations: ['deals', 'companies'] } });
    progress(`requests: HubSpot full sync of ${contacts} contacts with deals and companies`);
    const requested = await svc.requestSync(integration, { mode: 'full', dataTypes: ['contacts'] }, 'manual');
    await stack.queues.drain();
    const run = (await stack.app.runs.get(integration.id, requested.id))!;
    if (run.status !== 'succeeded') throw new Error(`the HubSpot sync ${run.status}: ${run.error ?? ''}`);
    const requests = Object.values(sandbox.requests).reduce((a, b) => a + b, 0);
    const figures = {
      records: run.stats.processed,
      requests,
      recordsPerRequest: round(run.stats.processed / requests, 1),
      byPath: { ...sandbox.requests },
      http429: sandbox.http429,
    };
    progress(`requests: ${figures.records} contacts in ${requests} requests, ${figures.recordsPerRequest} per request`);
    return figures;
  } finally {
    await stack.close();
    await sandbox.close();
  }
}
