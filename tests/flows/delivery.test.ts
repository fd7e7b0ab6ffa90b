import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { runFlow, storeOnlySource, writeRecords } from './helpers';

/** A target that throttles, fails, or refuses some records: each record ends delivered or failed with its reason. */
describe('Flow delivery under target failures (HubSpot)', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let sourceId: string;
  const sandboxes: HubspotSandbox[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    sourceId = await storeOnlySource(call);
    const lead = (i: number, extra: Record<string, unknown> = {}) => ({ Id: `L${i}`, Email: `p${i}@example.com`, LastName: `Person${i}`, ...extra });
    const leads = [...Array.from({ length: 250 }, (_, i) => lead(i)), lead(250, { LastName: 'Bad' }), lead(251, { Email: 'not-an-email' })];
    await writeRecords(stack, sourceId, leads);
  });
  afterAll(async () => {
    await stack.close();
    for (const s of sandboxes) await s.close();
  });

  async function flowTo(opts: Parameters<typeof startHubspotSandbox>[0] = {}) {
    const hs = await startHubspotSandbox({ contacts: 0, companies: 0, deals: 0, rateLimit: false, ...opts });
    sandboxes.push(hs);
    const hsId = (await call('POST', '/api/integrations', { name: 'HS', type: 'hubspot', config: { baseUrl: hs.url, accessToken: hs.token } })).body.id;
    const flow = await call('POST', '/api/flows', {
      name: 'to hubspot',
      source: { integrationId: sourceId, dataType: 'leads' },
      target: { integrationId: hsId, object: 'contacts' },
      mapping: { email: '${Email}', lastname: '${LastName}' },
      match: ['email'],
    });
    expect(flow.status).toBe(201);
    return { hs, flowId: flow.body.id as string };
  }
  const run = (flowId: string, route = 'run') => runFlow(stack, call, flowId, undefined, route);

  it('batches 100 per call, retries 429 and 5xx, and fails only the records HubSpot refuses (207), with its reasons', async () => {
    const { hs, flowId } = await flowTo({ reject: (p) => (p.lastname === 'Bad' ? 'Property values were not valid: lastname' : undefined) });
    hs.failNext(429, 1);
    hs.failNext(503, 1);
    const r = await run(flowId);
    expect(r.status).toBe('partial');
    expect(r.sync_summary).toMatchObject({ records_processed: 252, successful_transfers: 250, failed_transfers: 2 });
    expect(r.stats).toMatchObject({ created: 250, http429: 1, retries: 1 }); // the 5xx; 429s are counted apart
    expect(r.errors.map((e: { sourceId: string; reason: string }) => [e.sourceId, e.reason.split(':')[0]]).sort()).toEqual([
      ['L250', 'VALIDATION_ERROR'],
      ['L251', 'VALIDATION_ERROR'],
    ]);
    expect(hs.requests['/crm/v3/objects/contacts/batch/upsert']).toBe(3 + 2);
    expect(hs.store.contacts.all()).toHaveLength(250);
    const failed = (await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L251`)).body.deliveries;
    expect(failed).toEqual([expect.objectContaining({ sourceId: 'L251', status: 'failed', attempts: 1, lastError: expect.stringContaining('Email address not-an-email is invalid') })]);
  });

  it('adds a note associated with each contact it delivered', async () => {
    const { hs, flowId } = await flowTo({ customObjects: { notes: [] } });
    const cur = await call('GET', `/api/flows/${flowId}`);
    expect((await call('PATCH', `/api/flows/${flowId}`, { note: { body: 'Imported ${LastName}' } }, { 'if-match': cur.headers.etag })).status).toBe(200);
    const r = await run(flowId);
    expect(r.stats).toMatchObject({ created: 251, notes: 251 });
    const notes = hs.store.notes.all();
    expect(notes).toHaveLength(251);
    const contact = hs.store.contacts.all().find((c) => c.properties.email === 'p7@example.com')!;
    expect(notes.find((n) => n.properties.sandbox_associated_ids === contact.id)?.properties.hs_note_body).toBe('Imported Person7');
  });

  it('splits a batch HubSpot refuses as a whole until the bad record stands alone', async () => {
    const { hs, flowId } = await flowTo();
    hs.failNext(400, 1);
    const r = await run(flowId);
    expect(r.sync_summary).toMatchObject({ successful_transfers: 251, failed_transfers: 1 });
    expect(hs.store.contacts.all()).toHaveLength(251);
  });

  it('fails the records of a target that stays down, and POST /retry resends only those', async () => {
    const { hs, flowId } = await flowTo();
    // The first batch of 100 exhausts the client's 7 attempts; the rest go through.
    hs.failNext(503, 7);
    const r = await run(flowId);
    expect(r.sync_summary).toMatchObject({ successful_transfers: 151, failed_transfers: 101 });
    expect(r.errors[0].reason).toMatch(/answered 503/);
    expect(hs.store.contacts.all()).toHaveLength(151);

    const before = hs.requests['/crm/v3/objects/contacts/batch/upsert'];
    const retried = await run(flowId, 'retry');
    expect(retried).toMatchObject({ trigger: 'retry', sync_summary: { records_processed: 101, successful_transfers: 100, failed_transfers: 1 } });
    // 100 records, one call; the invalid email is refused again, alone.
    expect(hs.requests['/crm/v3/objects/contacts/batch/upsert'] - before).toBe(2);
    expect(hs.store.contacts.all()).toHaveLength(251);
    expect((await call('GET', `/api/flows/${flowId}/deliveries?status=failed`)).body.deliveries.map((d: { sourceId: string }) => d.sourceId)).toEqual(['L251']);
  });
});
