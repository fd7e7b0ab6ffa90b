import { createHash, createHmac, randomBytes } from 'node:crypto';
import { BadJsonError, ValidationError } from '../../shared/errors';
import { hubspotEventKey, parseHubspotEvents, rawBody, verifyHubspot } from '../../shared/webhooks';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://www.example.com/webhook_uri';

/** Independent signer: HMAC-SHA256(secret, method + uri + raw body + timestamp), base64. */
function signV3(secret: string, method: string, uri: string, body: Buffer, ts: string): string {
  return createHmac('sha256', secret).update(method + uri).update(body).update(ts).digest('base64');
}

describe('Function: verifyHubspot', () => {
  describe('signature v3', () => {
    it('accepts the official test vector', () => {
      const r = verifyHubspot({
        method: 'POST',
        uri: URI,
        headers: {
          'X-HubSpot-Signature-v3': 'rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=',
          'X-HubSpot-Request-Timestamp': '1700000000000',
        },
        body: Buffer.from('{"example_field":"example_value"}'),
        clientSecret: SECRET,
        now: () => 1700000000000 + 60_000,
      });
      expect(r).toEqual({ ok: true, version: 'v3' });
    });

    const secret = randomBytes(16).toString('hex');
    const body = Buffer.concat([Buffer.from('[{"eventId":1}]'), randomBytes(64)]); // not valid UTF-8: bytes matter
    const ts = '1710000000000';
    const now = () => 1710000000000 + 299_000;
    const headers = { 'x-hubspot-signature-v3': signV3(secret, 'POST', URI, body, ts), 'x-hubspot-request-timestamp': ts };

    it('accepts a fresh random payload signed over its raw bytes, with headers in any case', () => {
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body, clientSecret: secret, now }).ok).toBe(true);
      const upper = { 'X-HUBSPOT-SIGNATURE-V3': headers['x-hubspot-signature-v3'], 'X-HubSpot-Request-Timestamp': ts };
      expect(verifyHubspot({ method: 'post', uri: URI, headers: upper, body, clientSecret: secret, now }).ok).toBe(true);
    });

    it('rejects one changed byte, another secret, another URI', () => {
      const changed = Buffer.from(body);
      changed[changed.length - 1] ^= 0x01;
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body: changed, clientSecret: secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body, clientSecret: secret + 'x', now })).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyHubspot({ method: 'POST', uri: URI + '2', headers, body, clientSecret: secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a timestamp older (or further ahead) than 5 minutes', () => {
      const late = () => 1710000000000 + 300_001;
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body, clientSecret: secret, now: late })).toEqual({ ok: false, reason: 'stale_timestamp' });
      const early = () => 1710000000000 - 300_001;
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body, clientSecret: secret, now: early })).toEqual({ ok: false, reason: 'stale_timestamp' });
    });

    it('rejects missing or malformed headers', () => {
      expect(verifyHubspot({ method: 'POST', uri: URI, headers: {}, body, clientSecret: secret, now })).toEqual({ ok: false, reason: 'missing_signature' });
      expect(
        verifyHubspot({ method: 'POST', uri: URI, headers: { 'x-hubspot-signature-v3': headers['x-hubspot-signature-v3'] }, body, clientSecret: secret, now }),
      ).toEqual({ ok: false, reason: 'missing_timestamp' });
      expect(
        verifyHubspot({ method: 'POST', uri: URI, headers: { ...headers, 'x-hubspot-request-timestamp': '17e11' }, body, clientSecret: secret, now }),
      ).toEqual({ ok: false, reason: 'bad_timestamp' });
    });

    it('signs the URI with the characters HubSpot decodes (%3A, %2F, %40, …) decoded', () => {
      const encoded = 'https://hooks.example.com/in/hubspot?next=a%3Ab%2Fc%40d&x=%2a';
      const decoded = 'https://hooks.example.com/in/hubspot?next=a:b/c@d&x=*';
      const h = { 'x-hubspot-signature-v3': signV3(secret, 'POST', decoded, body, ts), 'x-hubspot-request-timestamp': ts };
      expect(verifyHubspot({ method: 'POST', uri: encoded, headers: h, body, clientSecret: secret, now }).ok).toBe(true);
    });

    it('verifies an API Gateway base64-encoded body on its decoded bytes', () => {
      const event = { body: body.toString('base64'), isBase64Encoded: true };
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body: rawBody(event), clientSecret: secret, now }).ok).toBe(true);
      // The base64 text itself is not what HubSpot signed.
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body: Buffer.from(event.body), clientSecret: secret, now }).ok).toBe(false);
    });
  });

  describe('legacy signatures', () => {
    // https://developers.hubspot.com/docs/faq/v1-request-validation
    const v1Body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const v1 = { 'X-HubSpot-Signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de', 'X-HubSpot-Signature-Version': 'v1' };

    it('accepts the v1 doc vector only when allowLegacy is set', () => {
      const input = { method: 'POST', uri: URI, headers: v1, body: Buffer.from(v1Body), clientSecret: SECRET };
      expect(verifyHubspot(input)).toEqual({ ok: false, reason: 'legacy_not_allowed' });
      expect(verifyHubspot({ ...input, allowLegacy: true })).toEqual({ ok: true, version: 'v1' });
      expect(verifyHubspot({ ...input, body: Buffer.from(v1Body + ' '), allowLegacy: true })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('accepts the v2 doc vector (GET, no body) only when allowLegacy is set', () => {
      // https://developers.hubspot.com/docs/faq/v2-request-validation
      const headers = { 'x-hubspot-signature': 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e', 'x-hubspot-signature-version': 'v2' };
      const input = { method: 'GET', uri: URI, headers, body: Buffer.alloc(0), clientSecret: SECRET };
      expect(verifyHubspot(input).ok).toBe(false);
      expect(verifyHubspot({ ...input, allowLegacy: true })).toEqual({ ok: true, version: 'v2' });
      expect(verifyHubspot({ ...input, method: 'POST', allowLegacy: true }).ok).toBe(false);
    });

    it('computes v2 over raw body bytes', () => {
      const body = randomBytes(40);
      const sig = createHash('sha256').update(SECRET + 'POST' + URI).update(body).digest('hex');
      const headers = { 'x-hubspot-signature': sig, 'x-hubspot-signature-version': 'v2' };
      expect(verifyHubspot({ method: 'POST', uri: URI, headers, body, clientSecret: SECRET, allowLegacy: true }).ok).toBe(true);
      expect(
        verifyHubspot({ method: 'POST', uri: URI, headers: { ...headers, 'x-hubspot-signature-version': 'v9' }, body, clientSecret: SECRET, allowLegacy: true }),
      ).toEqual({ ok: false, reason: 'unsupported_version' });
    });

    it('never falls back to a legacy signature when a v3 signature is present and wrong', () => {
      const headers = { ...v1, 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': '1700000000000' };
      const r = verifyHubspot({ method: 'POST', uri: URI, headers, body: Buffer.from(v1Body), clientSecret: SECRET, allowLegacy: true, now: () => 1700000000000 });
      expect(r).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });
});

describe('Function: parseHubspotEvents', () => {
  it('parses an event array and keeps unknown fields', () => {
    const events = parseHubspotEvents(
      Buffer.from(
        JSON.stringify([
          { eventId: 100, subscriptionId: 7, portalId: 62515, appId: 54321, occurredAt: 1710000000000, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 512, propertyName: 'email', propertyValue: 'a@x.com', changeSource: 'CRM', brandNew: 'kept' },
          { eventId: 101, subscriptionId: 8, portalId: 62515, appId: 54321, occurredAt: 1710000000001, subscriptionType: 'contact.merge', attemptNumber: 2, objectId: 9, primaryObjectId: 9, mergedObjectIds: [10, 11], objectTypeId: '0-1' },
        ]),
      ),
    );
    expect(events).toHaveLength(2);
    expect(events[0].propertyName).toBe('email');
    expect(events[0].brandNew).toBe('kept');
    expect(events[1].mergedObjectIds).toEqual([10, 11]);
  });

  it('throws BadJsonError on invalid JSON and ValidationError on a non-array or bad event', () => {
    expect(() => parseHubspotEvents(Buffer.from('[{'))).toThrow(BadJsonError);
    expect(() => parseHubspotEvents(Buffer.from('{"eventId":1}'))).toThrow(ValidationError);
    expect(() => parseHubspotEvents(Buffer.from('[]'))).toThrow(ValidationError);
    expect(() => parseHubspotEvents(Buffer.from('[{"eventId":1,"portalId":2}]'))).toThrow(ValidationError);
  });
});

describe('Function: hubspotEventKey', () => {
  const base = {
    eventId: 3361113512, subscriptionId: 2447751, portalId: 62515, appId: 1160452, occurredAt: 1710000000000,
    subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 512, propertyName: 'lifecyclestage',
    propertyValue: 'lead', changeSource: 'CRM',
  };

  it('gives a redelivery (higher attemptNumber, other key order) the same key', () => {
    const first = parseHubspotEvents(Buffer.from(JSON.stringify([base])))[0];
    const reordered = Object.fromEntries(Object.entries({ ...base, attemptNumber: 3 }).reverse());
    const retry = parseHubspotEvents(Buffer.from(JSON.stringify([reordered])))[0];
    expect(hubspotEventKey(retry)).toBe(hubspotEventKey(first));
  });

  it('gives distinct events that share an eventId different keys', () => {
    const keys = new Set(
      [
        base,
        { ...base, propertyValue: 'customer' },
        { ...base, propertyName: 'email', propertyValue: 'a@x.com' },
        { ...base, objectId: 513 },
        { ...base, occurredAt: base.occurredAt + 1 },
        { ...base, subscriptionType: 'contact.creation' },
        { ...base, portalId: 99 },
      ].map((e) => hubspotEventKey(parseHubspotEvents(Buffer.from(JSON.stringify([e])))[0])),
    );
    expect(keys.size).toBe(7);
  });
});
