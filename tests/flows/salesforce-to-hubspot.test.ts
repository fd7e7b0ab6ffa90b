import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { makeSalesforceRecords, startSalesforceSandbox, type SalesforceSandbox, type SfRecord } from '../sandboxes/salesforce';

/** seed 003's worked example end to end through the local stack: Salesforce leads → our store → HubSpot contacts. */
describe('Flow: Salesforce leads → HubSpot contacts (seed 003)', () => {
  let stack: TestStack;
  let sf: SalesforceSandbox;
  let hs: HubspotSandbox;
  let call: ReturnType<typeof api>;
  let sfId: string;
  let flowId: string;
  const now = Date.now();
  const iso = (msAgo: number) => new Date(now - msAgo).toISOString();

  beforeAll(async () => {
    const leads: SfRecord[] = makeSalesforceRecords('Lead', 8).map((l, i) => ({ ...l, LastModifiedDate: iso(60_000 * (10 - i)), SystemModstamp: iso(60_000 * (10 - i)) }));
    leads[2].Email = null; // missing required email
    leads[3].Email = null;
    leads[5].Email = 'LEAD1@example.com'; // the same person as lead 1, differently cased: a duplicate
    leads[6] = { ...leads[6], LastModifiedDate: iso(3 * 86_400_000), SystemModstamp: iso(3 * 86_400_000) }; // too old for the filter
    sf = await startSalesforceSandbox({ accessToken: 'sf-access-1', records: { Lead: leads } });
    // lead 2 is already a HubSpot contact: the flow updates it rather than creating a second one.
    hs = await startHubspotSandbox({ contacts: [{ id: '501', properties: { email: 'lead2@example.com', firstname: 'Old' } }], companies: 0, deals: 0, rateLimit: false });
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    sfId = (await call('POST', '/api/integrations', { name: 'SF', type: 'salesforce', config: { instanceUrl: sf.url, accessToken: 'sf-access-1' } })).body.id;
    const hsId = (await call('POST', '/api/integrations', { name: 'HS', type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token } })).body.id;
    expect((await call('POST', `/api/integrations/${sfId}/sync`, { mode: 'full', dataTypes: ['leads'] })).status).toBe(202);
    await stack.queues.drain();

    const template = (await call('GET', '/api/flows/templates')).body.templates[0];
    const created = await call('POST', '/api/flows', { name: template.name, ...template.flow, trigger: 'manual', source: { ...template.flow.source, integrationId: sfId }, target: { ...template.flow.target, integrationId: hsId } });
    expect(created.status).toBe(201);
    flowId = created.body.id;
  });
  afterAll(async () => {
    await stack.close();
    await sf.close();
    await hs.close();
  });

  const runFlow = async (body: unknown = {}) => {
    const r = await call('POST', `/api/flows/${flowId}/run`, body);
    expect(r.status).toBe(202);
    await stack.queues.drain();
    return (await call('GET', `/api/flows/${flowId}/runs/${r.body.runId}`)).body;
  };
  const contacts = () => hs.store.contacts.all().map((c) => ({ id: c.id, email: c.properties.email, firstname: c.properties.firstname, lastname: c.properties.lastname, company: c.properties.company }));
  const writes = () => Object.entries(hs.requests).filter(([p]) => p.includes('/batch/')).reduce((n, [, c]) => n + c, 0);

  it('a dry run reports what it would send and writes nothing', async () => {
    const run = await runFlow({ dryRun: true });
    expect(run).toMatchObject({ status: 'partial', dryRun: true, sync_summary: { records_processed: 7, successful_transfers: 4, failed_transfers: 2, duplicates_skipped: 1 } });
    expect(run.preview[0]).toMatchObject({ sourceId: expect.any(String), action: 'update or create', payload: { email: 'lead1@example.com', firstname: 'Ada' } });
    expect(writes()).toBe(0);
    expect(contacts()).toHaveLength(1);
  });

  it('delivers exactly the mapped contacts, with seed 003 figures', async () => {
    const run = await runFlow();
    expect(run.status).toBe('partial');
    expect(run.sync_summary).toEqual({ records_processed: 7, successful_transfers: 4, failed_transfers: 2, duplicates_skipped: 1, sync_duration: expect.stringMatching(/^\d+\.\d seconds$/) });
    expect(run.data_quality).toEqual({ completeness_score: expect.any(Number), validation_errors: 2, missing_required_fields: ['email field empty for 2 records'] });
    // 7 records × 5 fields, 2 records without an email.
    expect(run.data_quality.completeness_score).toBeCloseTo(33 / 35, 3);
    expect(run.errors).toEqual([
      { sourceId: expect.any(String), target: 'contacts', reason: 'missing required field: email' },
      { sourceId: expect.any(String), target: 'contacts', reason: 'missing required field: email' },
    ]);
    expect(run.stats).toMatchObject({ created: 3, updated: 1 });
    expect(contacts().sort((a, b) => a.email!.localeCompare(b.email!))).toEqual([
      { id: expect.any(String), email: 'lead1@example.com', firstname: 'Ada', lastname: 'Tester1', company: 'Acme 1' },
      { id: '501', email: 'lead2@example.com', firstname: 'Grace', lastname: 'Tester2', company: 'Acme 2' },
      { id: expect.any(String), email: 'lead5@example.com', firstname: 'Barbara', lastname: 'Tester5', company: 'Acme 5' },
      { id: expect.any(String), email: 'lead8@example.com', firstname: 'Alan', lastname: 'Tester8', company: 'Acme 8' },
    ]);
    const failed = await call('GET', `/api/flows/${flowId}/deliveries?status=failed`);
    expect(failed.body.deliveries).toHaveLength(2);
    expect(failed.body.deliveries[0]).toMatchObject({ status: 'failed', targetId: null, attempts: 1, lastError: 'missing required field: email' });
  });

  it('a re-run sends nothing, and a changed lead updates the same contact', async () => {
    const before = writes();
    const again = await runFlow();
    expect(writes()).toBe(before);
    expect(again.stats).toMatchObject({ created: 0, updated: 0 });

    const lead1 = (await call('GET', `/api/flows/${flowId}/deliveries?limit=100`)).body.deliveries.find((d: { status: string; targetId: string }) => d.status === 'delivered' && d.targetId !== '501');
    const sourceLead = sf.setRecord('Lead', { Id: lead1.sourceId, FirstName: 'Renamed', LastModifiedDate: new Date().toISOString() });
    expect((await call('POST', `/api/integrations/${sfId}/sync`, { dataTypes: ['leads'] })).status).toBe(202);
    await stack.queues.drain();
    const changed = await runFlow({ since: new Date(now - 86_400_000).toISOString() });
    expect(changed.stats).toMatchObject({ created: 0, updated: 1 });
    const contact = hs.store.contacts.get(lead1.targetId)!;
    expect(contact.properties.firstname).toBe('Renamed');
    expect(contact.properties.email).toBe(String(sourceLead.Email).toLowerCase());
    expect(contacts()).toHaveLength(4);
  });
});
