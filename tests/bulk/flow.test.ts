import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';

/** A spreadsheet of leads feeds a realtime flow into HubSpot contacts: import → records → flow → CRM. */
describe('Flow: an imported spreadsheet → HubSpot contacts', () => {
  let stack: TestStack;
  let hs: HubspotSandbox;
  let call: ReturnType<typeof api>;
  let fileId: string;
  let flowId: string;
  const sheet = (rows: string[][]) => [['Email', 'FirstName', 'Phone'], ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
  const upload = (csv: string) => call('POST', `/api/integrations/${fileId}/import`, csv, { 'content-type': 'text/csv' });
  const settle = async () => {
    await stack.stream.flush();
    await stack.queues.drain();
  };
  const contacts = () => hs.store.contacts.all().map((c) => ({ email: c.properties.email, firstname: c.properties.firstname, phone: c.properties.phone }));
  const writes = () => Object.entries(hs.requests).filter(([p]) => p.includes('/batch/')).reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    hs = await startHubspotSandbox({ contacts: [{ id: '501', properties: { email: 'known@example.com', firstname: 'Old' } }], companies: 0, deals: 0, rateLimit: false });
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    fileId = (await call('POST', '/api/integrations', { name: 'Lead sheet', type: 'file', config: { dataType: 'leads', idColumn: 'Email' } })).body.id;
    const hsId = (await call('POST', '/api/integrations', { name: 'HS', type: 'hubspot', status: 'inactive', config: { baseUrl: hs.url, accessToken: hs.token } })).body.id;
    const flow = await call('POST', '/api/flows', {
      name: 'Sheet to HubSpot',
      source: { integrationId: fileId, dataType: 'leads' },
      target: { integrationId: hsId, object: 'contacts' },
      mapping: { email: '${Email:lowercase}', firstname: '${FirstName}', phone: '${Phone:phone}' },
      match: ['email'],
      required: ['email'],
      trigger: 'realtime',
    });
    if (flow.status !== 201) throw new Error(flow.text);
    flowId = flow.body.id;
  });
  afterAll(async () => {
    await stack.close();
    await hs.close();
  });

  it('creates and updates contacts from an upload; an unchanged re-upload sends nothing; a changed row updates its contact', async () => {
    const rows = [
      ['Ann@Example.com', 'Ann', '(512) 555-0101'],
      ['known@example.com', 'Known', '512-555-0102'],
    ];
    expect((await upload(sheet(rows))).body.stats).toMatchObject({ created: 2, failed: 0 });
    await settle();
    expect(contacts()).toEqual(
      expect.arrayContaining([
        { email: 'ann@example.com', firstname: 'Ann', phone: '+15125550101' },
        { email: 'known@example.com', firstname: 'Known', phone: '+15125550102' },
      ]),
    );
    expect(contacts()).toHaveLength(2);
    const runs = (await call('GET', `/api/flows/${flowId}/runs`)).body.runs;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r: { trigger: string; status: string }) => r.trigger === 'realtime' && r.status === 'succeeded')).toBe(true);

    const before = writes();
    expect((await upload(sheet(rows))).body.stats).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    await settle();
    expect(writes()).toBe(before);

    expect((await upload(sheet([rows[0], ['known@example.com', 'Renamed', '512-555-0102']]))).body.stats).toMatchObject({ updated: 1, unchanged: 1 });
    await settle();
    expect(writes()).toBe(before + 1);
    expect(contacts()).toEqual(expect.arrayContaining([{ email: 'known@example.com', firstname: 'Renamed', phone: '+15125550102' }]));
    expect(contacts()).toHaveLength(2);
  });
});
