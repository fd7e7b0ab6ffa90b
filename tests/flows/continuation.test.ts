import { executeFlowRun } from '../../shared/flows/runner';
import { FlowService, newFlowRun } from '../../shared/flows/service';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { writeRecords } from './helpers';

/**
 * A run longer than one invocation: with too little time left after a page it saves its checkpoint with its
 * figures and queues its continuation, which goes on from there; nothing is read or sent twice.
 */
describe('Flow run continuation', () => {
  let stack: TestStack;
  let hs: HubspotSandbox;
  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    hs = await startHubspotSandbox({ contacts: 0, companies: 0, deals: 0, rateLimit: false });
  });
  afterAll(async () => {
    await stack.close();
    await hs.close();
  });

  async function setup(name: string, count: number) {
    const svc = new FlowService(stack.app);
    const sf = await stack.svc.create(stack.tenantId, { name: `SF ${name}`, type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'x-token' }, status: 'inactive' });
    const target = await stack.svc.create(stack.tenantId, { name: `HS ${name}`, type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token }, status: 'inactive' });
    await writeRecords(stack, sf.id, Array.from({ length: count }, (_, i) => ({ Id: `${name}${i}`, Email: `${name}${i}@example.com`, LastName: i % 10 ? `L${i}` : '' })));
    const flow = await svc.create(stack.tenantId, {
      name,
      source: { integrationId: sf.id, dataType: 'leads' },
      target: { integrationId: target.id, object: 'contacts' },
      mapping: { email: '${Email}', lastname: '${LastName}' },
      match: ['email'],
      required: ['lastname'],
    });
    return { svc, flow };
  }

  it('hands on before the time runs out and the continuation finishes from the checkpoint', async () => {
    const { svc, flow } = await setup('c', 1000);
    const run = newFlowRun(flow, 'manual', { dryRun: false });
    await svc.runs.create(run);
    const msg = { tenantId: stack.tenantId, flowId: flow.id, runId: run.id };
    let checks = 0;
    // Time "runs short" after the second page of 250 (the runner looks once a page).
    const first = (await executeFlowRun(stack.app, msg, { pageSize: 250, remainingMs: () => (++checks >= 2 ? 1000 : 600_000), safetyMarginMs: 60_000 }))!;
    const { failed_transfers: failed, successful_transfers: sent } = first.sync_summary;
    expect(first).toMatchObject({ status: 'running', continuations: 1, sync_summary: { records_processed: 500 } });
    expect(failed + sent).toBe(500);
    expect(failed).toBeGreaterThan(0);
    expect(first.checkpoint).toMatchObject({ position: expect.any(String), fields: 1000, filled: 1000 - failed, missing: { lastname: failed } });
    expect(hs.store.contacts.all().filter((c) => c.properties.email?.startsWith('c'))).toHaveLength(sent);
    // What the API shows of a run handed on: its figures so far and the continuation, not the store cursor.
    const shown = await api(stack.url!, stack.apiKey)('GET', `/api/flows/${flow.id}/runs/${run.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ status: 'running', continuations: 1, sync_summary: { records_processed: 500 } });
    expect(shown.body.checkpoint).toBeUndefined();

    // The continuation was queued: the local flows worker runs it.
    await stack.queues.drain();
    const done = (await svc.runs.get(flow.id, run.id))!;
    expect(done).toMatchObject({
      status: 'partial',
      continuations: 1,
      sync_summary: { records_processed: 1000, successful_transfers: 900, failed_transfers: 100 },
      data_quality: { completeness_score: 0.95, missing_required_fields: ['lastname field empty for 100 records'] },
      // Nothing read twice: a record of the first two pages read again would count as unchanged.
      stats: { created: 900, unchanged: 0, updated: 0 },
    });
    const emails = hs.store.contacts.all().map((c) => c.properties.email).filter((e) => e?.startsWith('c'));
    expect(emails).toHaveLength(900);
    expect(new Set(emails).size).toBe(900);
  });

  it('a retry run hands on in ledger order and its continuation retries only the rest', async () => {
    const { svc, flow } = await setup('r', 300);
    const run = newFlowRun(flow, 'manual', { dryRun: false });
    await svc.runs.create(run);
    await executeFlowRun(stack.app, { tenantId: stack.tenantId, flowId: flow.id, runId: run.id });
    expect((await svc.ledger.list(flow.id, { limit: 1000, status: 'failed' })).items).toHaveLength(30);
    // The records get their last names; the retry hands on after its first page of 10.
    await writeRecords(stack, flow.source.integrationId, Array.from({ length: 30 }, (_, k) => ({ Id: `r${k * 10}`, Email: `r${k * 10}@example.com`, LastName: `Fixed${k}` })));
    const retry = newFlowRun(flow, 'retry', { dryRun: false });
    await svc.runs.create(retry);
    const first = (await executeFlowRun(stack.app, { tenantId: stack.tenantId, flowId: flow.id, runId: retry.id }, { pageSize: 10, remainingMs: () => 0, safetyMarginMs: 1 }))!;
    expect(first).toMatchObject({ status: 'running', sync_summary: { records_processed: 10, successful_transfers: 10 } });
    await stack.queues.drain();
    expect(await svc.runs.get(flow.id, retry.id)).toMatchObject({ status: 'succeeded', continuations: 1, sync_summary: { records_processed: 30, successful_transfers: 30, failed_transfers: 0 } });
    expect((await svc.ledger.list(flow.id, { limit: 1000, status: 'failed' })).items).toHaveLength(0);
  });
});
