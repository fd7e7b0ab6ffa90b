import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../shared/connectors/all';
import { toCallRecord } from '../../shared/connectors/ringcentral';
import { FlowService } from '../../shared/flows/service';
import { setLogSink } from '../../shared/log';
import { startLocalStack } from '../../shared/local/stack';
import { IntegrationService } from '../../shared/services/integrations';
import { recordHash } from '../../shared/store/hash';
import { cli } from '../helpers/cli';
import { startZohoSandbox, type ZohoSandbox } from '../sandboxes/zoho';

/** Seed 004's command line: `flows run <id> --office X --hours-back 48 --call-types accepted,missed --dry-run --no-email --debug`. */
describe('CLI: switchboard flows run (calls_to_leads)', () => {
  let zoho: ZohoSandbox;
  let dir: string;
  let tenantId: string;
  let flowId: string;
  const restoreLog = setLogSink(() => undefined);
  const ZOHO = { accessToken: '1000.access.abcd', refreshToken: '1000.refresh.efgh', clientId: '1000.CLIENTID', clientSecret: 'zoho-client-secret' };
  const call = (id: string, hoursAgo: number, ext: string, number: string, name: string, result = 'Accepted') =>
    toCallRecord({ id, startTime: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), duration: 95, direction: 'Inbound', result, from: { phoneNumber: number, name }, to: { phoneNumber: '+12155550001', extensionNumber: ext }, extension: { id: ext } });

  beforeAll(async () => {
    zoho = await startZohoSandbox({ ...ZOHO, perMinute: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-calls-'));
    const stack = await startLocalStack({ dataDir: dir, connectors });
    try {
      ({ tenantId } = await stack.app.tenants.createTenant('cli-calls'));
      const svc = new IntegrationService(stack.app);
      const rc = await svc.create(tenantId, { name: 'RC', type: 'ringcentral', config: { baseUrl: 'http://127.0.0.1:9', accessToken: 'rc-token' }, status: 'inactive' });
      const z = await svc.create(tenantId, { name: 'Zoho', type: 'zoho', config: { baseUrl: zoho.url, accountsUrl: zoho.url, ...ZOHO }, status: 'inactive' });
      const now = new Date().toISOString();
      const calls = [call('p1', 30, '101', '+12155550301', 'Ada Lovelace'), call('t1', 2, '301', '+14125550302', 'Grace Hopper', 'Missed'), call('old', 60, '101', '+12155550303', 'Too Old')];
      await stack.app.records.write(calls.map((data) => ({ integrationId: rc.id, dataType: 'call_log', externalId: String(data.id), data, hash: recordHash(data), syncStatus: 'synced', createdAt: now, updatedAt: now })));
      flowId = (await new FlowService(stack.app).create(tenantId, {
        name: 'calls',
        template: 'calls_to_leads',
        source: { integrationId: rc.id, dataType: 'call_log' },
        target: { integrationId: z.id, object: 'Leads' },
        settings: {
          offices: { philadelphia: { name: 'Philadelphia Office', processing_order: 1, timezone: 'America/New_York' }, pittsburgh: { name: 'Pittsburgh Office', processing_order: 2 } },
          extensions: [
            { id: '101', name: 'Reception', type: 'Department', number: '101', process_calls: true, office: 'philadelphia' },
            { id: '301', name: 'Front Desk', type: 'Department', number: '301', process_calls: true, office: 'pittsburgh' },
          ],
          lead_owners: [{ id: '5678901234', name: 'Sarah Reynolds', active: true, assignment_weight: 2 }],
        },
      })).id;
    } finally {
      await stack.close();
    }
  });
  afterAll(async () => {
    setLogSink(restoreLog);
    await zoho.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the seed scripts' options and prints the calls summary", async () => {
    const args = (...more: string[]) => ['flows', 'run', flowId, '--tenant', tenantId, ...more];
    const dry = await cli(args('--office', 'philadelphia', '--hours-back', '48', '--call-types', 'accepted,missed', '--dry-run', '--no-email', '--debug'), dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/calls processed 1 \(accepted 1, missed 0, missed with voicemail 0\), failed 0/);
    expect(dry.stdout).toMatch(/by office: philadelphia 1/);
    expect(zoho.records('Leads')).toHaveLength(0);

    const one = await cli(args('--office', 'philadelphia', '--hours-back', '48', '--no-email', '--json'), dir);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ office: 'philadelphia', hoursBack: 48, noEmail: true, calls: { processed: 1, leadsCreated: 1, notesAdded: 1 } });
    expect(zoho.records('Leads')).toEqual([expect.objectContaining({ Phone: '+12155550301', Owner: { id: '5678901234' }, Lead_Status: 'New' })]);

    const rest = await cli(args('--call-types', 'missed'), dir);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toMatch(/calls processed 1 \(accepted 0, missed 1/);
    expect(rest.stdout).toMatch(/leads created 1, updated 0; notes added 1; attachments added 0/);

    const bad = await cli(args('--office', 'boston'), dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/office: no office "boston"/);
    expect((await cli(args('--hours-back', '169'), dir)).code).toBe(2);
    // Six CLI processes, each starting Node, tsx and the store: minutes on a loaded machine.
  }, 300_000);
});
