import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { executeFlowRun } from '../../shared/flows/runner';
import { FlowService, newFlowRun } from '../../shared/flows/service';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { writeRecords } from './helpers';

/**
 * Issue 10: the flow worker killed mid-batch (a real process, SIGKILL) after the target applied a batch but
 * before the worker heard the answer or wrote its ledger; the message is redelivered: no target record is
 * created twice, none is missing. The flow matches on two fields, so it takes the search-then-create path
 * (the upsert path is idempotent by construction).
 */
describe('Flow worker crash', () => {
  let stack: TestStack;
  let hs: HubspotSandbox;
  let child: ChildProcess | undefined;
  let creates = 0;

  afterAll(async () => {
    await stack.close();
    await hs.close();
  });

  it('a worker SIGKILLed between the target applying a batch and the ledger write leaves no duplicate and no gap after redelivery', async () => {
    stack = await startTestStack();
    hs = await startHubspotSandbox({
      contacts: 0,
      companies: 0,
      deals: 0,
      rateLimit: false,
      beforeReply: async (path) => {
        if (!path.endsWith('/batch/create') || ++creates !== 2 || !child) return;
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      },
    });
    const svc = new FlowService(stack.app);
    const sf = await stack.svc.create(stack.tenantId, { name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'x-token' }, status: 'inactive' });
    const target = await stack.svc.create(stack.tenantId, { name: 'HS', type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token }, status: 'inactive' });
    await writeRecords(stack, sf.id, Array.from({ length: 250 }, (_, i) => ({ Id: `L${i}`, Email: `p${i}@example.com`, LastName: `P${i}` })));
    const flow = await svc.create(stack.tenantId, {
      name: 'crash',
      source: { integrationId: sf.id, dataType: 'leads' },
      target: { integrationId: target.id, object: 'contacts' },
      mapping: { email: '${Email}', lastname: '${LastName}' },
      match: ['email', 'lastname'],
    });
    // Not through the queue: the child is the only worker until the redelivery below.
    const run = newFlowRun(flow, 'manual', { dryRun: false });
    await svc.runs.create(run);
    const msg = { kind: 'flow' as const, tenantId: stack.tenantId, flowId: flow.id, runId: run.id };
    const keyFile = (stack.app.sealer.ring as unknown as { id: string }).id.replace(/^local:/, '');

    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-worker.ts'), stack.dynamoEndpoint, keyFile, JSON.stringify(msg)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => child!.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');
    expect(out).not.toContain('done');
    // The second batch reached HubSpot, but the dead worker never recorded it.
    expect(hs.store.contacts.all()).toHaveLength(200);
    const ledger = await svc.ledger.list(flow.id, { limit: 1000, status: 'delivered' });
    expect(ledger.items).toHaveLength(100);

    // The redelivered message runs the flow again in another worker.
    child = undefined;
    const done = await executeFlowRun(stack.app, msg);
    expect(done).toMatchObject({ status: 'succeeded', sync_summary: { records_processed: 250, successful_transfers: 250, failed_transfers: 0 } });
    // 100 already in the ledger (unchanged), 100 found by the search and updated, 50 created.
    expect(done!.stats).toMatchObject({ unchanged: 100, updated: 100, created: 50 });
    const emails = hs.store.contacts.all().map((c) => c.properties.email);
    expect(emails).toHaveLength(250);
    expect(new Set(emails).size).toBe(250);
    expect((await svc.ledger.list(flow.id, { limit: 1000, status: 'delivered' })).items).toHaveLength(250);
  }, 60_000);
});
