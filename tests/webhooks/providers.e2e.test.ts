import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { TestStack } from '../helpers/stack';
import { api, createIntegration, events, post, queueState, records, startWebhookStack } from './stack';

/** Independent signer (Twilio): base64 HMAC-SHA1(auth token, URL + each param sorted by key as key+value). */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params).sort().reduce((s, k) => s + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const hex = (n: number) => randomBytes(n).toString('hex');
const INVALID = { error: { code: 'invalid_signature', message: 'The request could not be authenticated.' } };

describe('Twilio, CDK and generic webhooks end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startWebhookStack();
  });
  afterAll(async () => stack?.close());

  describe('Twilio', () => {
    const token = hex(16);
    const otherToken = hex(16);
    const accountSid = `AC${hex(16)}`;
    let id: string;
    let url: string;
    const send = (params: Record<string, string>, opts: { token?: string; url?: string; body?: string } = {}) =>
      post(stack, `/webhooks/twilio/${id}`, opts.body ?? form(params), {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSign(opts.token ?? token, opts.url ?? url, params),
      });
    const status = (sid: string, s: string) => ({ MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: '+15005550006', To: '+14155550100', MessageStatus: s, SmsStatus: s, ApiVersion: '2010-04-01' });

    beforeAll(async () => {
      id = await createIntegration(stack, 'twilio', { accountSid, authToken: token });
      // The auth token is already in the integration's config: the webhook needs no other secret.
      const r = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, {});
      expect(r.status).toBe(200);
      url = r.body.url;
    });

    it('says a secret is configured when it verifies with the config’s authToken', async () => {
      const r = await api(stack, 'GET', `/api/integrations/${id}/webhook`);
      expect(r.body).toMatchObject({ provider: 'twilio', secretConfigured: true });
    });

    it('stores a genuine callback whose event key would be long (hashed key), and dedupes its redelivery', async () => {
      // 1,010 characters: the record key (`messages#<sid>`) fits DynamoDB's 1,024 bytes, `twilio:<sid>:undelivered` would not.
      const sid = `SM${'9'.repeat(1_008)}`;
      expect((await send(status(sid, 'undelivered'))).status).toBe(204);
      expect((await send(status(sid, 'undelivered'))).status).toBe(204);
      await stack.queues.drain();
      const mine = (await events(stack, id)).filter((x) => x.eventKey.startsWith('twilio:sha256:'));
      expect(mine.map((x) => x.outcome).sort()).toEqual(['applied', 'duplicate']);
    });

    it('applies a genuine message whose extra parameters are named constructor and toString', async () => {
      const sid = `SM${hex(16)}`;
      const r = await send({ ...status(sid, 'sent'), constructor: 'x', toString: 'y' } as Record<string, string>);
      expect(r.status).toBe(204);
      await stack.queues.drain();
      expect((await records(stack, id, 'messages')).find((x) => x.externalId === sid)!.data.status).toBe('sent');
    });

    it('answers an inbound message with empty TwiML and stores it by SID', async () => {
      const sid = `SM${hex(16)}`;
      const params = { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, AccountSid: accountSid, From: '+15005550006', To: '+14155550100', Body: `hello ${hex(4)}`, NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01' };
      const r = await send(params);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/text\/xml/);
      expect(r.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      await stack.queues.drain();
      const rec = (await records(stack, id, 'messages')).find((x) => x.externalId === sid)!;
      expect(rec.data).toMatchObject({ sid, body: params.Body, status: 'received', from: params.From, account_sid: accountSid });
    });

    it('never moves a status backwards: delivered then a late sent stays delivered; a redelivery is a duplicate', async () => {
      const sid = `SM${hex(16)}`;
      expect((await send(status(sid, 'delivered'))).status).toBe(204);
      await stack.queues.drain();
      expect((await send(status(sid, 'sent'))).status).toBe(204);
      expect((await send(status(sid, 'sent'))).status).toBe(204);
      await stack.queues.drain();
      const rec = (await records(stack, id, 'messages')).find((x) => x.externalId === sid)!;
      expect(rec.data.status).toBe('delivered');
      const mine = (await events(stack, id)).filter((x) => x.eventKey.includes(sid));
      expect(mine.map((x) => x.outcome).sort()).toEqual(['applied', 'applied', 'duplicate']);
      expect(mine.find((x) => x.eventKey.endsWith(':sent') && x.outcome === 'applied')!.reason).toMatch(/not newer/);
    });

    it('accepts the JSON variant signed over the URL with bodySHA256', async () => {
      const sid = `SM${hex(16)}`;
      const body = JSON.stringify({ MessageSid: sid, AccountSid: accountSid, MessageStatus: 'sent' });
      const sha = createHash('sha256').update(body).digest('hex');
      const signedUrl = `${url}?bodySHA256=${sha}`;
      const r = await post(stack, `/webhooks/twilio/${id}?bodySHA256=${sha}`, body, { 'content-type': 'application/json', 'x-twilio-signature': twilioSign(token, signedUrl, {}) });
      expect(r.status).toBe(204);
      await stack.queues.drain();
      expect((await records(stack, id, 'messages')).find((x) => x.externalId === sid)!.data.status).toBe('sent');
    });

    it('rejects a changed byte, a missing header and another account’s token with 401, storing nothing', async () => {
      const before = (await events(stack, id)).length;
      const sid = `SM${hex(16)}`;
      const params = status(sid, 'delivered');
      const tampered = form(params).replace('delivered', 'deliverea');
      let r = await send(params, { body: tampered });
      expect([r.status, r.body]).toEqual([401, INVALID]);
      r = await post(stack, `/webhooks/twilio/${id}`, form(params), { 'content-type': 'application/x-www-form-urlencoded' });
      expect([r.status, r.body]).toEqual([401, INVALID]);
      r = await send(params, { token: otherToken });
      expect([r.status, r.body]).toEqual([401, INVALID]);
      // Signed for another URL (the Host header must not decide what was signed).
      r = await send(params, { url: `${stack.url}/webhooks/twilio/${id}` });
      expect([r.status, r.body]).toEqual([401, INVALID]);
      await stack.queues.drain();
      expect(await events(stack, id)).toHaveLength(before);
      expect((await records(stack, id, 'messages')).some((x) => x.externalId === sid)).toBe(false);
      expect(queueState(stack, 'twilio')).toEqual({ depth: 0, dead: 0 });
    });
  });

  describe('CDK Global (Fortellis Event Relay)', () => {
    let id: string;
    let authorization: string;
    const path = () => `/webhooks/cdk/${id}/v1/webhook/event/7`;
    const send = (body: unknown, eventId = randomUUID(), auth = authorization) =>
      post(stack, path(), JSON.stringify(body), { 'content-type': 'application/json', authorization: auth, 'fortellis-event-id': eventId, 'data-owner-id': 'dealer-1' });

    beforeAll(async () => {
      id = await createIntegration(stack, 'cdk', { dealerId: 'dealer-1' });
      const r = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, {});
      expect(r.status).toBe(200);
      authorization = r.body.authorization;
      expect(authorization).toMatch(/^Bearer \S{40,}$/);
      expect(r.body.url).toBe(`${stack.app.publicBaseUrl}/webhooks/cdk/${id}/v1/webhook/event/{channel}`);
      // Shown once: neither a second PUT nor a GET repeats it.
      const again = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, {});
      expect(again.body.authorization).toBeUndefined();
      expect((await api(stack, 'GET', `/api/integrations/${id}/webhook`)).text).not.toContain(authorization.slice(7));
    });

    it('answers 202, applies customer and appointment events, and dedupes on Fortellis-Event-Id', async () => {
      const eventId = randomUUID();
      const created = { eventType: 'customer.created', occurredAt: '2024-07-01T10:00:00Z', customer: { customerId: 'C-100', name: 'Dana' } };
      expect((await send(created, eventId)).status).toBe(202);
      expect((await send(created, eventId)).status).toBe(202);
      expect((await send({ eventType: 'appointment.scheduled', appointment: { appointmentId: 'A-9', at: '2024-07-02T09:00:00Z' } })).status).toBe(202);
      await stack.queues.drain();
      expect((await records(stack, id, 'customers')).map((r) => r.data)).toEqual([{ customerId: 'C-100', name: 'Dana', id: 'C-100' }]);
      expect((await records(stack, id, 'appointments'))[0].externalId).toBe('A-9');
      const mine = (await events(stack, id)).filter((x) => x.providerEventId === eventId);
      expect(mine.map((x) => x.outcome).sort()).toEqual(['applied', 'duplicate']);
    });

    it('keeps the newer customer when an older update arrives late', async () => {
      await send({ eventType: 'customer.updated', occurredAt: '2024-07-03T10:00:00Z', customer: { customerId: 'C-200', name: 'New' } });
      await stack.queues.drain();
      await send({ eventType: 'customer.updated', occurredAt: '2024-07-02T10:00:00Z', customer: { customerId: 'C-200', name: 'Old' } });
      await stack.queues.drain();
      expect((await records(stack, id, 'customers')).find((r) => r.externalId === 'C-200')!.data.name).toBe('New');
    });

    it('logs an event it cannot apply as failed without retrying it', async () => {
      const eventId = randomUUID();
      expect((await send({ eventType: 'vehicle.sold', vin: 'X' }, eventId)).status).toBe(202);
      await stack.queues.drain();
      expect((await events(stack, id)).find((x) => x.providerEventId === eventId)).toMatchObject({ outcome: 'failed', attempts: 1 });
      expect(queueState(stack, 'cdk')).toEqual({ depth: 0, dead: 0 });
    });

    it('rejects a wrong Authorization and a missing event id with 401', async () => {
      const before = (await events(stack, id)).length;
      let r = await send({ eventType: 'customer.created', customer: { customerId: 'C-X' } }, randomUUID(), authorization + 'x');
      expect([r.status, r.body]).toEqual([401, INVALID]);
      r = await post(stack, path(), '{}', { 'content-type': 'application/json', authorization });
      expect([r.status, r.body]).toEqual([401, INVALID]);
      expect((await post(stack, `/webhooks/cdk/${id}/v1/webhook/event/abc`, '{}', { authorization })).status).toBe(404);
      expect(await events(stack, id)).toHaveLength(before);
    });
  });

  describe('generic (custom_api)', () => {
    let id: string;
    let secret: string;
    const sign = (s: string, ts: number, body: string) => createHmac('sha256', s).update(`${ts}.${body}`).digest('hex');
    const send = (body: string, opts: { ts?: number; secret?: string; headers?: Record<string, string> } = {}) => {
      const ts = opts.ts ?? Math.floor(Date.now() / 1000);
      return post(stack, `/webhooks/generic/${id}`, body, { 'content-type': 'application/json', 'x-hook-signature': sign(opts.secret ?? secret, ts, body), 'x-timestamp': String(ts), ...opts.headers });
    };

    beforeAll(async () => {
      id = await createIntegration(stack, 'custom_api', { baseUrl: 'http://127.0.0.1:9', testPath: '/ping' });
      const r = await api(stack, 'PUT', `/api/integrations/${id}/webhook`, { signatureHeader: 'X-Hook-Signature', idHeader: 'X-Event-Id', dataType: 'orders', idPath: 'order.id' });
      expect(r.status).toBe(200);
      secret = r.body.secret;
      expect(secret).toMatch(/^whsec_/);
    });

    it('applies a signed body as records of the configured data type, once', async () => {
      const body = JSON.stringify([{ order: { id: 'o-1' }, total: 10 }, { order: { id: 'o-2' }, total: 20 }]);
      const ts = Math.floor(Date.now() / 1000);
      expect((await send(body, { ts })).status).toBe(202);
      expect((await send(body, { ts })).status).toBe(202);
      await stack.queues.drain();
      expect((await records(stack, id, 'orders')).map((r) => r.externalId).sort()).toEqual(['o-1', 'o-2']);
      expect((await events(stack, id)).map((x) => x.outcome).sort()).toEqual(['applied', 'duplicate']);
    });

    it('a captured request replayed with a new X-Event-Id is a duplicate (the id is not signed), and a 2,000-character id is a 400', async () => {
      const before = (await events(stack, id)).length;
      const body = JSON.stringify({ order: { id: 'o-9' }, total: 1 });
      const ts = Math.floor(Date.now() / 1000);
      expect((await send(body, { ts, headers: { 'x-event-id': 'evt-1' } })).status).toBe(202);
      expect((await send(body, { ts, headers: { 'x-event-id': 'evt-2' } })).status).toBe(202);
      await stack.queues.drain();
      const log = (await events(stack, id)).slice(0, (await events(stack, id)).length - before);
      expect(log.map((x) => x.outcome).sort()).toEqual(['applied', 'duplicate']);
      expect(log.find((x) => x.outcome === 'applied')!.providerEventId).toBe('evt-1');
      const long = await send(JSON.stringify({ order: { id: 'o-10' } }), { headers: { 'x-event-id': 'e'.repeat(2000) } });
      expect(long.status).toBe(400);
    });

    it('refuses a body nested deeper than the limit with a 400, and keeps answering', async () => {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const r = await send(deep);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('json_too_deep');
      expect((await send(JSON.stringify({ order: { id: 'o-11' } }))).status).toBe(202);
    });

    it('rejects an old timestamp and another secret with 401', async () => {
      const body = JSON.stringify({ order: { id: 'o-3' } });
      expect((await send(body, { ts: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
      expect((await send(body, { secret: `whsec_${hex(32)}` })).status).toBe(401);
      await stack.queues.drain();
      expect((await records(stack, id, 'orders')).some((r) => r.externalId === 'o-3')).toBe(false);
    });

    it('does not apply an event again when its queue message comes back (a crash between applying and deleting it)', async () => {
      const body = JSON.stringify({ order: { id: 'o-redelivered' }, total: 1 });
      expect((await send(body, { headers: { 'x-event-id': 'redelivered-1' } })).status).toBe(202);
      await stack.queues.drain();
      const entry = (await events(stack, id)).find((x) => x.providerEventId === 'redelivered-1')!;
      expect(entry).toMatchObject({ outcome: 'applied', attempts: 1 });
      await stack.queues.send('custom_api', [{ kind: 'webhook', tenantId: stack.tenantId, integrationId: id, eventKey: entry.eventKey }]);
      await stack.queues.drain();
      expect((await events(stack, id)).find((x) => x.providerEventId === 'redelivered-1')).toMatchObject({ outcome: 'applied', attempts: 1 });
      expect(queueState(stack, 'custom_api')).toEqual({ depth: 0, dead: 0 });
    });
  });
});
