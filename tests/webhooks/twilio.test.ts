import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ValidationError } from '../../shared/errors';
import {
  isTwilioStatusAdvance, parseTwilioEvent, parseTwilioForm, rawBody, twilioEventKey, twilioStatusRank, verifyTwilio,
} from '../../shared/webhooks';

const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const VECTOR_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

/** Independent signer: url + each sorted key + value, HMAC-SHA1, base64. */
function sign(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', token).update(data).digest('base64');
}
const form = (p: Record<string, string>) => Buffer.from(new URLSearchParams(p).toString());

describe('Function: verifyTwilio', () => {
  describe('form-encoded requests', () => {
    it('accepts the official test vector', () => {
      const r = verifyTwilio({ url: URL_, headers: { 'X-Twilio-Signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }, body: form(VECTOR_PARAMS), authToken: TOKEN });
      expect(r).toEqual({ ok: true, variant: 'form', params: VECTOR_PARAMS });
    });

    it('accepts the URL with or without the default port', () => {
      const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
      const sigWithPort = sign(TOKEN, withPort, VECTOR_PARAMS);
      expect(verifyTwilio({ url: URL_, headers: { 'x-twilio-signature': sigWithPort }, body: form(VECTOR_PARAMS), authToken: TOKEN }).ok).toBe(true);
      expect(verifyTwilio({ url: withPort, headers: { 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }, body: form(VECTOR_PARAMS), authToken: TOKEN }).ok).toBe(true);
      const wrongPort = sign(TOKEN, 'https://mycompany.com:8443/myapp.php?foo=1&bar=2', VECTOR_PARAMS);
      expect(verifyTwilio({ url: URL_, headers: { 'x-twilio-signature': wrongPort }, body: form(VECTOR_PARAMS), authToken: TOKEN }).ok).toBe(false);
    });

    it('accepts fresh random parameters and rejects a changed byte, a missing header, another token', () => {
      const token = randomBytes(16).toString('hex');
      const url = 'https://hooks.example.com/in/twilio/int_1';
      const params: Record<string, string> = {
        MessageSid: 'SM' + randomBytes(16).toString('hex'), AccountSid: 'AC' + randomBytes(16).toString('hex'),
        MessageStatus: 'delivered', Body: `héllo + ${randomBytes(8).toString('base64')} & more`, NewParam: 'x',
      };
      const body = form(params);
      const headers = { 'x-twilio-signature': sign(token, url, params) };
      expect(verifyTwilio({ url, headers, body, authToken: token }).ok).toBe(true);

      const changed = Buffer.from(body.toString().replace('delivered', 'deliverea'));
      expect(verifyTwilio({ url, headers, body: changed, authToken: token })).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyTwilio({ url, headers: {}, body, authToken: token })).toEqual({ ok: false, reason: 'missing_signature' });
      expect(verifyTwilio({ url, headers, body, authToken: token + '0' })).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyTwilio({ url: url + '?x=1', headers, body, authToken: token })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('signs parameters named like Object.prototype members (constructor, toString, __proto__) as any other', () => {
      const url = 'https://hooks.example.com/t';
      const pairs: Array<[string, string]> = [['MessageSid', 'SM1'], ['constructor', 'c'], ['toString', 't'], ['__proto__', 'p'], ['hasOwnProperty', 'h']];
      const body = Buffer.from(new URLSearchParams(pairs).toString());
      const data = url + [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => k + v).join('');
      const sig = createHmac('sha1', TOKEN).update(data).digest('base64');
      const r = verifyTwilio({ url, headers: { 'x-twilio-signature': sig }, body, authToken: TOKEN });
      expect(r.ok).toBe(true);
      expect(Object.keys(r.ok ? (r as { params: object }).params : {}).sort()).toEqual(['MessageSid', '__proto__', 'constructor', 'hasOwnProperty', 'toString']);
      // __proto__ is covered by the signature: changing it breaks it.
      const changed = Buffer.from(body.toString().replace('__proto__=p', '__proto__=q'));
      expect(verifyTwilio({ url, headers: { 'x-twilio-signature': sig }, body: changed, authToken: TOKEN })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('signs array parameters de-duplicated and sorted', () => {
      const url = 'https://hooks.example.com/t';
      const body = Buffer.from('To=%2B1555&MediaUrl=b&MediaUrl=a&MediaUrl=b');
      const data = url + 'MediaUrl' + 'a' + 'MediaUrl' + 'b' + 'To+1555';
      const sig = createHmac('sha1', TOKEN).update(data).digest('base64');
      const r = verifyTwilio({ url, headers: { 'x-twilio-signature': sig }, body, authToken: TOKEN });
      expect(r.ok).toBe(true);
      expect(parseTwilioForm(body)).toEqual({ To: '+1555', MediaUrl: ['b', 'a', 'b'] });
    });

    it('verifies an API Gateway base64-encoded body on its decoded bytes', () => {
      const event = { body: form(VECTOR_PARAMS).toString('base64'), isBase64Encoded: true };
      const headers = { 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
      expect(verifyTwilio({ url: URL_, headers, body: rawBody(event), authToken: TOKEN }).ok).toBe(true);
    });
  });

  describe('JSON bodies (bodySHA256)', () => {
    const body = Buffer.from('{"property": "value", "boolean": true}');
    const hash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
    const url = `${URL_}&bodySHA256=${hash}`;

    it('accepts the official test vector', () => {
      expect(createHash('sha256').update(body).digest('hex')).toBe(hash);
      expect(verifyTwilio({ url, headers: { 'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=' }, body, authToken: TOKEN })).toEqual({ ok: true, variant: 'json' });
    });

    it('rejects a body that does not hash to bodySHA256, and a bodySHA256 the signature does not cover', () => {
      const headers = { 'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=' };
      expect(verifyTwilio({ url, headers, body: Buffer.from('{"property": "value", "boolean": false}'), authToken: TOKEN })).toEqual({ ok: false, reason: 'body_hash_mismatch' });
      const other = Buffer.from('{}');
      const forged = `${URL_}&bodySHA256=${createHash('sha256').update(other).digest('hex')}`;
      expect(verifyTwilio({ url: forged, headers, body: other, authToken: TOKEN })).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });

  it('reports a URL that does not parse', () => {
    expect(verifyTwilio({ url: 'not a url', headers: { 'x-twilio-signature': 'x' }, body: Buffer.alloc(0), authToken: TOKEN })).toEqual({ ok: false, reason: 'bad_url' });
  });
});

describe('Function: parseTwilioEvent', () => {
  it('classifies a message status callback and passes unknown fields through', () => {
    const e = parseTwilioEvent(parseTwilioForm(form({ MessageSid: 'SM1', SmsSid: 'SM1', AccountSid: 'AC1', MessageStatus: 'sent', SmsStatus: 'sent', From: '+1', To: '+2', RawDlrDoneDate: '2401011200' })));
    expect(e.kind).toBe('message');
    expect(e.sid).toBe('SM1');
    expect(e.status).toBe('sent');
    expect(e.data.RawDlrDoneDate).toBe('2401011200');
  });

  it('classifies an inbound SMS by SmsStatus and a call by CallStatus', () => {
    expect(parseTwilioEvent({ MessageSid: 'SM2', AccountSid: 'AC1', Body: 'hi', SmsStatus: 'received' }).status).toBe('received');
    const call = parseTwilioEvent({ CallSid: 'CA1', AccountSid: 'AC1', CallStatus: 'ringing' });
    expect(call).toMatchObject({ kind: 'call', sid: 'CA1', status: 'ringing' });
  });

  it('throws ValidationError on something else', () => {
    expect(() => parseTwilioEvent({ Foo: 'bar' })).toThrow(ValidationError);
    expect(() => parseTwilioEvent({ CallSid: 'CA1', AccountSid: 'AC1' })).toThrow(ValidationError);
  });
});

describe('Function: twilioEventKey', () => {
  it('is equal for a redelivered callback and differs per status transition and per resource', () => {
    const a = { MessageSid: 'SM1', AccountSid: 'AC1', MessageStatus: 'delivered', SmsStatus: 'delivered' };
    expect(twilioEventKey({ ...a })).toBe(twilioEventKey(a));
    expect(twilioEventKey({ ...a, MessageStatus: 'sent', SmsStatus: 'sent' })).not.toBe(twilioEventKey(a));
    expect(twilioEventKey({ ...a, MessageSid: 'SM2' })).not.toBe(twilioEventKey(a));
    expect(twilioEventKey({ CallSid: 'CA1', CallStatus: 'completed' })).toBe('twilio:CA1:completed');
    expect(twilioEventKey({ MessageSid: 'SM3', SmsStatus: 'received' })).toBe('twilio:SM3:received');
  });

  it('hashes the parameters when there is no SID', () => {
    expect(twilioEventKey({ a: '1', b: '2' })).toBe(twilioEventKey({ b: '2', a: '1' }));
    expect(twilioEventKey({ a: '1' })).not.toBe(twilioEventKey({ a: '2' }));
  });
});

describe('Function: twilioStatusRank', () => {
  it('orders message statuses so they never move backwards', () => {
    const order = ['queued', 'sending', 'sent', 'delivered', 'read'];
    for (let i = 1; i < order.length; i++) expect(twilioStatusRank(order[i])).toBeGreaterThan(twilioStatusRank(order[i - 1]));
    expect(twilioStatusRank('undelivered')).toBe(twilioStatusRank('delivered'));
    expect(twilioStatusRank('failed')).toBe(twilioStatusRank('delivered'));
    expect(isTwilioStatusAdvance('delivered', 'sent')).toBe(false);
    expect(isTwilioStatusAdvance('sent', 'delivered')).toBe(true);
    expect(isTwilioStatusAdvance('delivered', 'failed')).toBe(false);
    expect(isTwilioStatusAdvance('delivered', 'read')).toBe(true);
    expect(isTwilioStatusAdvance(undefined, 'queued')).toBe(true);
    expect(isTwilioStatusAdvance('queued', 'mystery')).toBe(false);
  });

  it('orders call statuses', () => {
    const order = ['queued', 'ringing', 'in-progress', 'completed'];
    for (let i = 1; i < order.length; i++) expect(twilioStatusRank(order[i], 'call')).toBeGreaterThan(twilioStatusRank(order[i - 1], 'call'));
    for (const end of ['busy', 'failed', 'no-answer', 'canceled']) expect(twilioStatusRank(end, 'call')).toBe(twilioStatusRank('completed', 'call'));
    expect(isTwilioStatusAdvance('completed', 'ringing', 'call')).toBe(false);
    expect(isTwilioStatusAdvance('ringing', 'In-Progress', 'call')).toBe(true);
  });
});
