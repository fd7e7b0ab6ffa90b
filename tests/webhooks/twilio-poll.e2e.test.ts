import { createHmac, randomBytes } from 'node:crypto';
import type { TestStack } from '../helpers/stack';
import { makeMessages, startTwilioSandbox, type TwilioSandbox } from '../sandboxes/twilio';
import { api, createIntegration, post, records, startWebhookStack } from './stack';

/** Independent signer (Twilio): base64 HMAC-SHA1(auth token, URL + each param sorted by key as key+value). */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params).sort().reduce((s, k) => s + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}
const hex = (n: number) => randomBytes(n).toString('hex');

/**
 * Twilio read by API and by status callback into the same records: one record per SID, and whichever copy
 * is newer wins (a poll's date_updated against the callback's time), so a status never moves backwards.
 */
describe('Twilio: REST polls reconciled with status callbacks', () => {
  let stack: TestStack;
  let sb: TwilioSandbox;
  const token = hex(16);
  const accountSid = `AC${hex(16)}`;
  let id: string;
  let url: string;
  const callback = (sid: string, status: string) => {
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: '+15005550006', To: '+14155550100', MessageStatus: status, SmsStatus: status, ApiVersion: '2010-04-01' };
    return post(stack, `/webhooks/twilio/${id}`, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSign(token, url, params),
    });
  };
  const sync = async () => {
    expect((await api(stack, 'POST', `/api/integrations/${id}/sync`, { mode: 'full', dataTypes: ['messages'] })).status).toBe(202);
    await stack.queues.drain();
  };
  const stored = async (sid: string) => (await records(stack, id, 'messages')).find((x) => x.externalId === sid)!;

  beforeAll(async () => {
    stack = await startWebhookStack();
    sb = await startTwilioSandbox({ accountSid, authToken: token, messages: [] });
    id = await createIntegration(stack, 'twilio', { accountSid, authToken: token, baseUrl: sb.url });
    url = (await api(stack, 'PUT', `/api/integrations/${id}/webhook`, {})).body.url;
  });
  afterAll(async () => {
    await sb?.close();
    await stack?.close();
  });

  it('keeps a callback\'s newer status when a poll read before it still says sent', async () => {
    const [m] = makeMessages(accountSid, 1);
    sb.setRecord('Messages', { ...m, status: 'sent' }, new Date('2024-05-01T10:00:01Z'));
    expect((await callback(m.sid, 'delivered')).status).toBe(204);
    await stack.queues.drain();
    await sync();
    const rec = await stored(m.sid);
    expect(rec.data.status).toBe('delivered');
    expect(Date.parse(rec.sourceUpdatedAt)).toBeGreaterThan(Date.parse('2024-05-02T00:00:00Z'));
  });

  it('takes a poll whose date_updated is newer than the callback, with the full REST resource', async () => {
    const m: Record<string, unknown> & { sid: string } = { ...makeMessages(accountSid, 2)[1], sid: `SM${hex(16)}` };
    expect((await callback(m.sid, 'sent')).status).toBe(204);
    await stack.queues.drain();
    expect((await stored(m.sid)).data.status).toBe('sent');
    const later = new Date(Date.now() + 60_000);
    sb.setRecord('Messages', { ...m, status: 'delivered' }, later);
    await sync();
    const rec = await stored(m.sid);
    expect(rec.data).toMatchObject({ status: 'delivered', price: m.price, date_sent: m.date_sent });
    expect(rec.sourceUpdatedAt).toBe(later.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
  });

  it('ignores a late callback with an older status than the polled one', async () => {
    const m = { ...makeMessages(accountSid, 3)[2], sid: `SM${hex(16)}` };
    sb.setRecord('Messages', { ...m, status: 'delivered' }, new Date('2024-05-01T10:02:02Z'));
    await sync();
    expect((await callback(m.sid, 'sent')).status).toBe(204);
    await stack.queues.drain();
    const recs = (await records(stack, id, 'messages')).filter((x) => x.externalId === m.sid);
    expect(recs).toHaveLength(1);
    expect(recs[0].data.status).toBe('delivered');
  });
});
