import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { TestStack } from '../helpers/stack';
import { type HubspotSandbox, startHubspotSandbox } from '../sandboxes/hubspot';
import { api, createIntegration, events, post, queueState, records, startByIdProxy, startWebhookStack } from './stack';

/** Independent signer (HubSpot v3): base64 HMAC-SHA256(client secret, method + URI + raw body + timestamp). */
function signV3(secret: string, uri: string, body: Buffer, ts: string): string {
  return createHmac('sha256', secret).update('POST' + uri).update(body).update(ts).digest('base64');
}

const CONTACT = { id: '101', properties: { email: 'ann@example.com', firstname: 'Ann' }, updatedAt: '2024-06-01T00:00:00.000Z' };
const CONTACT2 = { id: '102', properties: { email: 'bob@example.com', firstname: 'Bob' }, updatedAt: '2024-06-01T00:00:00.000Z' };

describe('HubSpot webhooks end to end', () => {
  let stack: TestStack;
  let sandbox: HubspotSandbox;
  let proxy: Awaited<ReturnType<typeof startByIdProxy>>;
  let id: string;
  let otherId: string;
  let uri: string;
  const secret = randomBytes(18).toString('hex');
  const otherSecret = randomBytes(18).toString('hex');

  const event = (over: Record<string, unknown> = {}) => ({
    eventId: randomInt(1e9),
    subscriptionId: 2001,
    portalId: 62515,
    appId: 3001,
    occurredAt: Date.now(),
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 101,
    changeSource: 'CRM',
    propertyName: 'firstname',
    propertyValue: 'Ann',
    ...over,
  });
  const send = (body: Buffer, opts: { secret?: string; ts?: number; to?: string; headers?: Record<string, string> } = {}) => {
    const ts = String(opts.ts ?? Date.now());
    return post(stack, `/webhooks/hubspot/${opts.to ?? id}`, body, {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signV3(opts.secret ?? secret, uri, body, ts),
      'x-hubspot-request-timestamp': ts,
      ...opts.headers,
    });
  };

  beforeAll(async () => {
    stack = await startWebhookStack();
    sandbox = await startHubspotSandbox({ contacts: [CONTACT, CONTACT2], companies: 0, deals: 0, rateLimit: false });
    proxy = await startByIdProxy(sandbox.url);
    const config = { baseUrl: proxy.url, accessToken: sandbox.token, associations: [] };
    id = await createIntegration(stack, 'hubspot', config);
    otherId = await createIntegration(stack, 'hubspot', config, 'other portal');
    const r = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, { secret });
    expect(r.status).toBe(200);
    expect(r.body.secretConfigured).toBe(true);
    expect(r.text).not.toContain(secret);
    uri = r.body.url;
    expect(uri).toBe(`${stack.app.publicBaseUrl}/webhooks/hubspot/${id}`);
    expect((await api(stack, 'PUT', `/api/integrations/${otherId}/webhook`, { secret: otherSecret })).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await sandbox?.close();
  });

  describe('rejected requests', () => {
    const body = Buffer.from(JSON.stringify([event()]));
    const rejected = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'invalid_signature', message: 'The request could not be authenticated.' } });
    };

    it('answers 401 to one changed byte, an old timestamp, a missing header and another integration’s secret, and stores nothing', async () => {
      const ts = Date.now();
      const tampered = Buffer.from(body);
      tampered[tampered.length - 3] ^= 1;
      const headers = { 'content-type': 'application/json', 'x-hubspot-signature-v3': signV3(secret, uri, body, String(ts)), 'x-hubspot-request-timestamp': String(ts) };
      await rejected(post(stack, `/webhooks/hubspot/${id}`, tampered, headers));
      await rejected(send(body, { ts: Date.now() - 6 * 60_000 }));
      await rejected(post(stack, `/webhooks/hubspot/${id}`, body, { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(ts) }));
      await rejected(post(stack, `/webhooks/hubspot/${id}`, body, { 'content-type': 'application/json', 'x-hubspot-signature-v3': headers['x-hubspot-signature-v3'] }));
      await rejected(send(body, { secret: otherSecret }));
      // Signed correctly for the other integration, sent to this one.
      await rejected(send(body, { secret: otherSecret, to: id }));
      // Legacy v1 is off unless the integration opts in.
      const v1 = createHmac('sha256', 'x').digest('hex');
      await rejected(post(stack, `/webhooks/hubspot/${id}`, body, { 'content-type': 'application/json', 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' }));

      await stack.queues.drain();
      expect(await events(stack, id)).toEqual([]);
      expect(queueState(stack, 'hubspot')).toEqual({ depth: 0, dead: 0 });
      expect(await records(stack, id)).toEqual([]);
      expect(proxy.byId).toBe(0);
    });

    it('answers 404 for an unknown integration and for an integration of another type, 413 for an oversized body', async () => {
      expect((await send(body, { to: '01jzzzzzzzzzzzzzzzzzzzzzzz' })).status).toBe(404);
      const cdkId = await createIntegration(stack, 'cdk', {});
      await api(stack, 'PUT', `/api/integrations/${cdkId}/webhook`, {});
      expect((await send(body, { to: cdkId })).status).toBe(404);
      expect((await send(Buffer.alloc(300 * 1024, 0x20))).status).toBe(413);
      expect(await events(stack, id)).toEqual([]);
    });
  });

  describe('accepted events', () => {
    it('applies a signed creation event: the object is fetched by id and appears in the data API', async () => {
      const e = event({ subscriptionType: 'contact.creation', propertyName: undefined, propertyValue: undefined });
      const r = await send(Buffer.from(JSON.stringify([e])));
      expect(r.status).toBe(204);
      await stack.queues.drain();
      const [rec] = (await records(stack, id, 'contacts')).filter((x) => x.externalId === '101');
      expect(rec.data).toMatchObject({ id: '101', email: 'ann@example.com', firstname: 'Ann' });
      const log = await events(stack, id);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ outcome: 'applied', provider: 'hubspot', providerEventId: String(e.eventId), attempts: 1 });
    });

    it('applies the same event once when it is delivered twice (and when HubSpot retries it)', async () => {
      const e = event({ objectId: 102 });
      const body = Buffer.from(JSON.stringify([e]));
      const before = proxy.byId;
      expect((await send(body)).status).toBe(204);
      expect((await send(body)).status).toBe(204);
      expect((await send(Buffer.from(JSON.stringify([{ ...e, attemptNumber: 1 }])))).status).toBe(204);
      await stack.queues.drain();
      expect(proxy.byId - before).toBe(1);
      const mine = (await events(stack, id)).filter((x) => x.providerEventId === String(e.eventId));
      expect(mine.map((x) => x.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
      expect((await records(stack, id, 'contacts')).some((x) => x.externalId === '102')).toBe(true);
    });

    it('keeps the newer copy when an older event is applied after a newer poll', async () => {
      sandbox.setRecord('contacts', '101', { firstname: 'Annabel' });
      const newer = sandbox.store.contacts.get('101')!;
      expect((await api(stack, 'POST', `/api/integrations/${id}/sync`, { mode: 'full', dataTypes: ['contacts'] })).status).toBe(202);
      await stack.queues.drain();
      const polled = (await records(stack, id, 'contacts')).find((x) => x.externalId === '101')!;
      expect(polled.data.firstname).toBe('Annabel');
      // A lagging copy (older updatedAt) is what HubSpot answers to the late event's fetch.
      sandbox.store.contacts.put({ ...newer, properties: { ...newer.properties, firstname: 'Ann' }, updatedAt: '2024-06-02T00:00:00.000Z' });
      const e = event({ occurredAt: Date.parse('2024-06-02T00:00:00.000Z') });
      expect((await send(Buffer.from(JSON.stringify([e])))).status).toBe(204);
      await stack.queues.drain();
      const after = (await records(stack, id, 'contacts')).find((x) => x.externalId === '101')!;
      expect(after.data.firstname).toBe('Annabel');
      expect(after.sourceUpdatedAt).toBe(newer.updatedAt);
      const entry = (await events(stack, id)).find((x) => x.providerEventId === String(e.eventId))!;
      expect(entry).toMatchObject({ outcome: 'applied', reason: 'a newer copy was already stored' });
      sandbox.store.contacts.put(newer);
    });

    it('marks a deleted object deleted, and on a merge refetches the primary and deletes the merged id', async () => {
      const merge = event({ subscriptionType: 'contact.merge', objectId: 101, primaryObjectId: 101, mergedObjectIds: [102] });
      expect((await send(Buffer.from(JSON.stringify([merge])))).status).toBe(204);
      await stack.queues.drain();
      let recs = await records(stack, id, 'contacts');
      expect(recs.find((x) => x.externalId === '102')!.deleted).toBe(true);
      expect(recs.find((x) => x.externalId === '101')!.deleted).toBe(false);

      const del = event({ subscriptionType: 'contact.deletion', objectId: 101 });
      expect((await send(Buffer.from(JSON.stringify([del])))).status).toBe(204);
      await stack.queues.drain();
      recs = await records(stack, id, 'contacts');
      expect(recs.find((x) => x.externalId === '101')!.deleted).toBe(true);
    });
  });

  describe('a failing worker', () => {
    it('retries the event from the queue, dead-letters it after 5 receives and logs it as failed', async () => {
      sandbox.revokeToken();
      const e = event({ objectId: 102, subscriptionType: 'contact.creation' });
      expect((await send(Buffer.from(JSON.stringify([e])))).status).toBe(204);
      await stack.queues.drain();
      expect(queueState(stack, 'hubspot')).toEqual({ depth: 0, dead: 1 });
      const dead = JSON.parse(stack.queues.queue('hubspot').deadLetters[0].body);
      expect(dead).toMatchObject({ kind: 'webhook', integrationId: id });
      expect(stack.queues.queue('hubspot').deadLetters[0].receiveCount).toBe(5);
      const entry = (await events(stack, id)).find((x) => x.providerEventId === String(e.eventId))!;
      expect(entry).toMatchObject({ outcome: 'failed', attempts: 5 });
      expect(entry.reason).toMatch(/Authentication Failed/);
      expect(stack.logs.join('\n')).not.toContain(secret);
      expect(stack.logs.join('\n')).not.toContain(sandbox.token);
    });
  });
});
