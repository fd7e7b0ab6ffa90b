import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../shared/connectors/all';
import { FlowService } from '../../shared/flows/service';
import { setLogSink } from '../../shared/log';
import { startLocalStack } from '../../shared/local/stack';
import { recordHash } from '../../shared/store/hash';
import { IntegrationService } from '../../shared/services/integrations';
import { cli } from '../helpers/cli';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';

describe('CLI: switchboard flows', () => {
  let hs: HubspotSandbox;
  let dir: string;
  let tenantId: string;
  let flowId: string;
  const restoreLog = setLogSink(() => undefined);

  beforeAll(async () => {
    hs = await startHubspotSandbox({ contacts: 0, companies: 0, deals: 0, rateLimit: false });
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-flows-'));
    const stack = await startLocalStack({ dataDir: dir, connectors });
    try {
      ({ tenantId } = await stack.app.tenants.createTenant('cli-flows'));
      const svc = new IntegrationService(stack.app);
      const sf = await svc.create(tenantId, { name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'x-token' }, status: 'inactive' });
      const target = await svc.create(tenantId, { name: 'HS', type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token }, status: 'inactive' });
      const now = new Date().toISOString();
      const leads = [{ Id: 'A', Email: 'a@example.com' }, { Id: 'B', Email: 'b@example.com' }, { Id: 'C' }];
      await stack.app.records.write(leads.map((data) => ({ integrationId: sf.id, dataType: 'leads', externalId: data.Id, data, hash: recordHash(data), syncStatus: 'synced', createdAt: now, updatedAt: now })));
      flowId = (await new FlowService(stack.app).create(tenantId, {
        name: 'leads to contacts',
        source: { integrationId: sf.id, dataType: 'leads' },
        target: { integrationId: target.id, object: 'contacts' },
        mapping: { email: '${Email}' },
        match: ['email'],
        required: ['email'],
      })).id;
    } finally {
      await stack.close();
    }
  });
  afterAll(async () => {
    setLogSink(restoreLog);
    await hs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, dry-runs, runs and shows the failed deliveries of a flow', async () => {
    const list = await cli(['flows', 'list', '--tenant', tenantId, '--json'], dir);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).flows.map((f: { id: string }) => f.id)).toEqual([flowId]);

    const dry = await cli(['flows', 'run', flowId, '--tenant', tenantId, '--dry-run', '--json'], dir);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ trigger: 'cli', dryRun: true, sync_summary: { records_processed: 3, successful_transfers: 2, failed_transfers: 1 } });
    expect(hs.store.contacts.all()).toHaveLength(0);

    const run = await cli(['flows', 'run', flowId, '--tenant', tenantId, '--max-records', '10'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/records processed 3, successful 2, failed 1/);
    expect(run.stdout).toMatch(/email field empty for 1 record/);
    expect(hs.store.contacts.all().map((c) => c.properties.email).sort()).toEqual(['a@example.com', 'b@example.com']);

    const failed = await cli(['flows', 'deliveries', flowId, '--tenant', tenantId, '--failed', '--json'], dir);
    expect(JSON.parse(failed.stdout).deliveries).toEqual([expect.objectContaining({ sourceId: 'C', status: 'failed', lastError: 'missing required field: email' })]);

    const bad = await cli(['flows', 'run', flowId, '--tenant', tenantId, '--since', 'yesterday'], dir);
    expect(bad.code).toBe(2);
  }, 60_000);
});
