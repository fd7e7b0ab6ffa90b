import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startZohoSandbox, type ZohoSandbox } from '../sandboxes/zoho';
import { runFlow, storeOnlySource, writeRecords } from './helpers';

describe('Flow to Zoho CRM Leads', () => {
  let stack: TestStack;
  let zoho: ZohoSandbox;
  let call: ReturnType<typeof api>;
  let flowId: string;
  const creds = { accessToken: '1000.access.abcd', refreshToken: '1000.refresh.efgh', clientId: '1000.CLIENTID', clientSecret: 'zoho-client-secret' };

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    zoho = await startZohoSandbox({ ...creds, perMinute: 1000 });
    call = api(stack.url!, stack.apiKey);
    const sourceId = await storeOnlySource(call);
    const zohoId = (await call('POST', '/api/integrations', { name: 'Zoho', type: 'zoho', config: { baseUrl: zoho.url, accountsUrl: zoho.url, ...creds } })).body.id;
    await writeRecords(stack, sourceId, [
      ...Array.from({ length: 150 }, (_, i) => ({ Id: `L${i}`, Email: `p${i}@example.com`, LastName: `P${i}` })),
      { Id: 'NOLAST', Email: 'nolast@example.com' },
      { Id: 'BADMAIL', Email: 'nope', LastName: 'X' },
    ]);
    flowId = (await call('POST', '/api/flows', {
      name: 'to zoho',
      source: { integrationId: sourceId, dataType: 'leads' },
      target: { integrationId: zohoId, object: 'Leads' },
      mapping: { Email: '${Email}', Last_Name: '${LastName}' },
      match: ['Email'],
    })).body.id;
  });
  afterAll(async () => {
    await stack.close();
    await zoho.close();
  });

  it('upserts 100 per call with duplicate_check_fields, waits out a 429, and fails the records Zoho refuses with its code', async () => {
    zoho.failNext(1, 429);
    const run = await runFlow(stack, call, flowId);
    expect(run.sync_summary).toMatchObject({ records_processed: 152, successful_transfers: 150, failed_transfers: 2 });
    expect(run.stats).toMatchObject({ created: 150, http429: 1 });
    expect(run.errors.map((e: { sourceId: string; reason: string }) => [e.sourceId, e.reason]).sort()).toEqual([
      ['BADMAIL', 'INVALID_DATA: invalid data (Email)'],
      ['NOLAST', 'MANDATORY_NOT_FOUND: required field not found (Last_Name)'],
    ]);
    expect(zoho.records('Leads')).toHaveLength(150);
    const bodies = zoho.requests.filter((q) => q.path === '/crm/v3/Leads/upsert' && q.status !== 429);
    expect(bodies).toHaveLength(2);
  });

  it('adds the flow note to each lead it creates or changes, not to unchanged ones', async () => {
    const src = await storeOnlySource(call);
    await writeRecords(stack, src, [{ Id: 'Q1', Email: 'q1@example.com', LastName: 'Q', Minutes: 150 }]);
    const zohoId = (await call('GET', `/api/flows/${flowId}`)).body.target.integrationId;
    const bad = await call('POST', '/api/flows', { name: 'x', source: { integrationId: src, dataType: 'leads' }, target: { integrationId: zohoId, object: 'Leads' }, mapping: { Email: '${Email}' }, note: { body: '${Minutes:hours}' } });
    expect(bad.body.error.details[0].path).toBe('note.body');
    const f = await call('POST', '/api/flows', {
      name: 'with note',
      source: { integrationId: src, dataType: 'leads' },
      target: { integrationId: zohoId, object: 'Leads' },
      mapping: { Email: '${Email}', Last_Name: '${LastName}' },
      match: ['Email'],
      note: { title: 'Call', body: 'Talked for ${Minutes:minutes} minutes' },
    });
    expect(f.status).toBe(201);
    const runOnce = () => runFlow(stack, call, f.body.id);
    expect((await runOnce()).stats).toMatchObject({ created: 1, notes: 1 });
    const lead = zoho.records('Leads').find((l) => l.Email === 'q1@example.com')!;
    expect(zoho.records('Notes')).toEqual([expect.objectContaining({ Note_Title: 'Call', Note_Content: 'Talked for 2.5 minutes', Parent_Id: lead.id, se_module: 'Leads' })]);
    await runOnce();
    expect(zoho.records('Notes')).toHaveLength(1);
  });

  it('skips leads that exist already when onExisting is skip (search first), and inserts the new ones', async () => {
    const hsSource = await storeOnlySource(call);
    await writeRecords(stack, hsSource, [{ Id: 'N1', Email: 'P1@example.com', LastName: 'Changed' }, { Id: 'N2', Email: 'fresh@example.com', LastName: 'Fresh' }]);
    const zohoId = (await call('GET', `/api/flows/${flowId}`)).body.target.integrationId;
    const f = await call('POST', '/api/flows', {
      name: 'skip existing',
      source: { integrationId: hsSource, dataType: 'leads' },
      target: { integrationId: zohoId, object: 'Leads' },
      mapping: { Email: '${Email:lowercase}', Last_Name: '${LastName}' },
      match: ['Email'],
      onExisting: 'skip',
    });
    const run = await runFlow(stack, call, f.body.id);
    expect(run.stats).toMatchObject({ created: 1, skipped: 1 });
    expect(zoho.records('Leads').find((l) => l.Email === 'p1@example.com')).toMatchObject({ Last_Name: 'P1' });
    expect(zoho.records('Leads')).toHaveLength(152);
  });
});
