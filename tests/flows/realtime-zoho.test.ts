import { createHmac, randomInt } from 'node:crypto';
import type { TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { makeZohoRecords, startZohoSandbox, type ZohoSandbox } from '../sandboxes/zoho';
import { api, createIntegration, post, startByIdProxy, startWebhookStack } from '../webhooks/stack';

/** Issue 10: a HubSpot webhook changes a contact → a realtime flow to Zoho updates the Zoho lead, once. */
describe('Realtime flow: HubSpot webhook → Zoho lead', () => {
  let stack: TestStack;
  let hs: HubspotSandbox;
  let zoho: ZohoSandbox;
  let proxy: Awaited<ReturnType<typeof startByIdProxy>>;
  let hsId: string;
  let uri: string;
  const secret = 'hs-client-secret-0123456789';
  const zohoCreds = { accessToken: '1000.access.abcd', refreshToken: '1000.refresh.efgh', clientId: '1000.CLIENTID', clientSecret: 'zoho-client-secret' };

  const sendEvent = async (eventId: number) => {
    const body = Buffer.from(JSON.stringify([{ eventId, subscriptionId: 1, portalId: 62515, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 101, changeSource: 'CRM', propertyName: 'firstname', propertyValue: 'x' }]));
    const ts = String(Date.now());
    const sig = createHmac('sha256', secret).update('POST' + uri).update(body).update(ts).digest('base64');
    const r = await post(stack, `/webhooks/hubspot/${hsId}`, body, { 'content-type': 'application/json', 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': ts });
    expect(r.status).toBeLessThan(300);
    // The webhook's worker writes the record; the store's change capture queues the realtime run; its worker delivers.
    for (let i = 0; i < 3; i++) {
      await stack.queues.drain();
      await stack.stream.flush();
    }
  };
  const writes = (method: string, path: string) => zoho.requests.filter((r) => r.method === method && r.path.split('?')[0] === path && r.status !== 401).length;
  const upserts = () => writes('POST', '/crm/v3/Leads/upsert');

  beforeAll(async () => {
    stack = await startWebhookStack();
    hs = await startHubspotSandbox({ contacts: [{ id: '101', properties: { email: 'Ann@Example.com', firstname: 'Ann', lastname: 'Lee' } }], companies: 0, deals: 0, rateLimit: false });
    proxy = await startByIdProxy(hs.url);
    const lead = { ...makeZohoRecords('Leads', 1)[0], Email: 'ann@example.com', First_Name: 'Annie', Last_Name: 'Lee' };
    zoho = await startZohoSandbox({ ...zohoCreds, records: { Leads: [lead] } });
    hsId = await createIntegration(stack, 'hubspot', { baseUrl: proxy.url, accessToken: hs.token, associations: [] });
    uri = (await api(stack, 'PUT', `/api/integrations/${hsId}/webhook`, { secret })).body.url;
    const zohoId = await createIntegration(stack, 'zoho', { baseUrl: zoho.url, accountsUrl: zoho.url, ...zohoCreds });
    const flow = await api(stack, 'POST', '/api/flows', {
      name: 'contacts to leads',
      source: { integrationId: hsId, dataType: 'contacts' },
      target: { integrationId: zohoId, object: 'Leads' },
      mapping: { Email: '${email:lowercase}', First_Name: '${firstname}', Last_Name: '${lastname:default(Unknown)}', Lead_Source: 'HubSpot' },
      match: ['Email'],
      required: ['Email'],
      trigger: 'realtime',
    });
    expect(flow.status).toBe(201);
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await hs?.close();
    await zoho?.close();
  });

  it('updates the matching Zoho lead once per change, refreshing an expired Zoho token on the way', async () => {
    zoho.expireToken();
    hs.setRecord('contacts', '101', { firstname: 'Anna' });
    const eventId = randomInt(1e9);
    await sendEvent(eventId);
    const leads = zoho.records('Leads');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ Email: 'ann@example.com', First_Name: 'Anna', Last_Name: 'Lee', Lead_Source: 'HubSpot' });
    expect(upserts()).toBe(1);
    expect(zoho.refreshCount).toBe(1);

    // The same event again (HubSpot retries) and a change that does not touch the mapped fields: nothing is resent.
    await sendEvent(eventId);
    hs.setRecord('contacts', '101', { jobtitle: 'CTO' });
    await sendEvent(randomInt(1e9));
    expect(upserts()).toBe(1);

    hs.setRecord('contacts', '101', { lastname: 'Lee-Smith' });
    await sendEvent(randomInt(1e9));
    expect(zoho.records('Leads')).toEqual([expect.objectContaining({ id: leads[0].id, Last_Name: 'Lee-Smith' })]);
    // The ledger knows the lead's id now: an update by id, no second upsert.
    expect(upserts()).toBe(1);
    expect(writes('PUT', '/crm/v3/Leads')).toBe(1);
  });
});
