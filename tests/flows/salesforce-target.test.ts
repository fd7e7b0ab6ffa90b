import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startSalesforceSandbox, type SalesforceSandbox } from '../sandboxes/salesforce';
import { runFlow, storeOnlySource, writeRecords } from './helpers';

describe('Flow to Salesforce (sObject Collections)', () => {
  let stack: TestStack;
  let sf: SalesforceSandbox;
  let call: ReturnType<typeof api>;
  let sourceId: string;
  let sfId: string;
  const creds = { accessToken: '00D!access-1', refreshToken: '5Aep-refresh', clientId: '3MVG-client', clientSecret: 'sf-client-secret' };

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    sf = await startSalesforceSandbox({ ...creds, records: { Lead: [] } });
    call = api(stack.url!, stack.apiKey);
    sourceId = await storeOnlySource(call);
    sfId = (await call('POST', '/api/integrations', { name: 'SF target', type: 'salesforce', status: 'inactive', config: { instanceUrl: sf.url, tokenUrl: `${sf.url}/services/oauth2/token`, ...creds } })).body.id;
    await writeRecords(stack, sourceId, [
      ...Array.from({ length: 250 }, (_, i) => ({ Id: `C${i}`, Name: `Caller ${i}`, Company: `Co ${i}` })),
      { Id: 'NOCOMPANY', Name: 'Lonely' },
    ]);
  });
  afterAll(async () => {
    await stack.close();
    await sf.close();
  });

  const flowBody = (over: Record<string, unknown> = {}) => ({
    name: 'calls to leads',
    source: { integrationId: sourceId, dataType: 'leads' },
    target: { integrationId: sfId, object: 'Lead' },
    mapping: { Ext_Id__c: '${Id}', LastName: '${Name}', Company: '${Company}' },
    match: ['Ext_Id__c'],
    ...over,
  });
  const run = (flowId: string) => runFlow(stack, call, flowId);

  it('upserts by external id 200 per call through a refreshed token, failing only the record Salesforce refuses', async () => {
    const flow = await call('POST', '/api/flows', flowBody());
    expect(flow.status).toBe(201);
    sf.expireToken();
    const r = await run(flow.body.id);
    expect(r.sync_summary).toMatchObject({ records_processed: 251, successful_transfers: 250, failed_transfers: 1 });
    expect(r.stats).toMatchObject({ created: 250 });
    expect(r.errors).toEqual([{ sourceId: 'NOCOMPANY', target: 'Lead', reason: 'REQUIRED_FIELD_MISSING: Required fields are missing: [Company] (Company)' }]);
    expect(sf.refreshCount).toBe(1);
    expect(sf.records('Lead')).toHaveLength(250);
    const upserts = sf.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith('/composite/sobjects/Lead/Ext_Id__c') && q.status === 200);
    expect(upserts).toHaveLength(2);

    // A changed source record updates the same lead by its Salesforce Id.
    await writeRecords(stack, sourceId, [{ Id: 'C7', Name: 'Caller Seven', Company: 'Co 7' }]);
    const again = await run(flow.body.id);
    expect(again.stats).toMatchObject({ updated: 1, created: 0, unchanged: 249 });
    expect(sf.records('Lead').filter((l) => l.Ext_Id__c === 'C7')).toEqual([expect.objectContaining({ LastName: 'Caller Seven' })]);
  });

  it('refuses a flow matching on two fields or skipping existing records, at create time', async () => {
    const two = await call('POST', '/api/flows', flowBody({ match: ['Ext_Id__c', 'LastName'] }));
    expect(two.status).toBe(400);
    expect(two.body.error.details.map((d: { path: string }) => d.path)).toContain('match');
    const skip = await call('POST', '/api/flows', flowBody({ onExisting: 'skip' }));
    expect(skip.body.error.details.map((d: { path: string }) => d.path)).toContain('onExisting');
  });
});
