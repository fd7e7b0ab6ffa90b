import { connectors } from '../shared/connectors/all';
import { executeFlowRun } from '../shared/flows/runner';
import { FlowService, newFlowRun } from '../shared/flows/service';
import { startLocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { recordHash } from '../shared/store/hash';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';
import { LIMIT } from './rate-limit';
import { progress, round } from './util';

/**
 * `flows`: `records` source records already in our store, mapped and delivered to the HubSpot sandbox by batch
 * upsert (100 per call) with its rolling 100 requests / 10 s limit enforced (HubSpot's 429), production waits.
 * efficiency = requests per second ÷ the 10 per second allowed (at most 1); requestsPerRecord; then an unchanged
 * re-run, whose requests to HubSpot should be 0.
 */
export async function benchFlows(records: number) {
  const hs = await startHubspotSandbox({ contacts: 0, companies: 0, deals: 0, rateLimit: LIMIT });
  const stack = await startLocalStack({ connectors });
  try {
    const { app } = stack;
    const { tenantId } = await app.tenants.createTenant('bench-flows');
    const svc = new IntegrationService(app);
    const source = await svc.create(tenantId, { name: 'source', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'bench' }, status: 'inactive' });
    const target = await svc.create(tenantId, { name: 'hubspot', type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token }, status: 'inactive' });
    const now = new Date().toISOString();
    for (let i = 0; i < records; i += 1000) {
      const page = Array.from({ length: Math.min(1000, records - i) }, (_, j) => {
        const data = { Id: `L${i + j}`, Email: `lead${i + j}@example.com`, FirstName: `First${i + j}`, LastName: `Last${i + j}`, Company: `Co ${(i + j) % 97}` };
        return { integrationId: source.id, dataType: 'leads', externalId: data.Id, data, hash: recordHash(data), syncStatus: 'synced' as const, createdAt: now, updatedAt: now };
      });
      await app.records.write(page);
    }
    const flows = new FlowService(app);
    const flow = await flows.create(tenantId, {
      name: 'bench',
      source: { integrationId: source.id, dataType: 'leads' },
      target: { integrationId: target.id, object: 'contacts' },
      mapping: { email: '${Email:lowercase}', firstname: '${FirstName}', lastname: '${LastName}', company: '${Company}' },
      match: ['email'],
    });
    const once = async () => {
      const run = newFlowRun(flow, 'manual', { dryRun: false, since: '2000-01-01' });
      await flows.runs.create(run);
      const before = Object.values(hs.requests).reduce((a, b) => a + b, 0);
      const t0 = Date.now();
      const done = (await executeFlowRun(app, { tenantId, flowId: flow.id, runId: run.id }))!;
      const seconds = (Date.now() - t0) / 1000;
      return { done, seconds, requests: Object.values(hs.requests).reduce((a, b) => a + b, 0) - before };
    };
    progress(`flows: ${records} records → HubSpot sandbox, batch upsert, 100 requests / 10 s`);
    const first = await once();
    const allowedPerSecond = (LIMIT.requests * 1000) / LIMIT.windowMs;
    progress(`flows: ${first.done.stats.created} created in ${round(first.seconds, 2)} s, ${first.requests} requests, ${hs.http429} × 429`);
    const again = await once();
    progress(`flows: unchanged re-run ${again.requests} requests in ${round(again.seconds, 2)} s`);
    return {
      records,
      delivered: first.done.sync_summary.successful_transfers,
      contactsInTarget: hs.store.contacts.all().length,
      seconds: round(first.seconds, 2),
      recordsPerSecond: round(records / first.seconds, 1),
      requests: first.requests,
      http429: hs.http429,
      efficiency: round(Math.min(1, first.requests / first.seconds / allowedPerSecond), 4),
      requestsPerRecord: round(first.requests / records, 4),
      rerun: { requests: again.requests, seconds: round(again.seconds, 2), unchanged: again.done.stats.unchanged },
    };
  } finally {
    await stack.close();
    await hs.close();
  }
}
