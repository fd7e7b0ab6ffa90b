import { createHmac, randomBytes } from 'node:crypto';
import { genericEventId, genericEventKey, genericSignature, header, rawBody, verifyGeneric } from '../../shared/webhooks';

const sign = (secret: string, ts: string, body: Buffer) => createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');

describe('Function: verifyGeneric', () => {
  const secret = randomBytes(32).toString('hex');
  const body = randomBytes(256);
  const ts = '1714557600';
  const now = () => 1714557600_000 + 120_000;
  const headers = { 'X-Signature': sign(secret, ts, body), 'X-Timestamp': ts };

  it('accepts a fresh random payload signed in the test', () => {
    expect(genericSignature(secret, ts, body)).toBe(headers['X-Signature']);
    expect(verifyGeneric({ headers, body, secret, now })).toEqual({ ok: true, timestamp: 1714557600 });
    expect(verifyGeneric({ headers: { ...headers, 'X-Signature': 'sha256=' + headers['X-Signature'] }, body, secret, now }).ok).toBe(true);
  });

  it('rejects one changed byte, another secret, an old timestamp, missing headers', () => {
    const changed = Buffer.from(body);
    changed[0] ^= 0x80;
    expect(verifyGeneric({ headers, body: changed, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyGeneric({ headers, body, secret: secret + '1', now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyGeneric({ headers, body, secret, now: () => 1714557600_000 + 301_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyGeneric({ headers: { 'x-timestamp': ts }, body, secret, now })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyGeneric({ headers: { 'x-signature': headers['X-Signature'] }, body, secret, now })).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyGeneric({ headers: { ...headers, 'X-Timestamp': '1714557600000' }, body, secret, now }).ok).toBe(false);
  });

  it('rejects a signature replayed with a new timestamp', () => {
    const later = '1714557700';
    expect(verifyGeneric({ headers: { ...headers, 'X-Timestamp': later }, body, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reads configurable header names', () => {
    const h = { 'X-Acme-Sig': sign(secret, ts, body), 'X-Acme-Time': ts };
    expect(verifyGeneric({ headers: h, body, secret, now, signatureHeader: 'x-acme-sig', timestampHeader: 'x-acme-time' }).ok).toBe(true);
    expect(verifyGeneric({ headers: h, body, secret, now }).ok).toBe(false);
  });

  it('verifies a base64-encoded API Gateway body on its decoded bytes', () => {
    const event = { headers: { 'x-signature': headers['X-Signature'], 'x-timestamp': ts }, body: body.toString('base64'), isBase64Encoded: true };
    expect(verifyGeneric({ headers: event.headers, body: rawBody(event), secret, now }).ok).toBe(true);
  });
});

describe('Function: genericEventKey', () => {
  it('keys on the signed content: the same timestamp and body is one event, a change to either is another', () => {
    const body = Buffer.from('{"a":1}');
    expect(genericEventKey({ timestamp: 1, body })).toBe(genericEventKey({ timestamp: 1, body: Buffer.from('{"a":1}') }));
    expect(genericEventKey({ timestamp: 1, body })).not.toBe(genericEventKey({ timestamp: 1, body: Buffer.from('{"a":2}') }));
    expect(genericEventKey({ timestamp: 1, body })).not.toBe(genericEventKey({ timestamp: 2, body }));
  });
});

describe('Function: genericEventId', () => {
  it('reads the configured header, and refuses one longer than a store key can hold with a 400', () => {
    expect(genericEventId({ 'X-Event-Id': 'e1' }, 'x-event-id')).toBe('e1');
    expect(genericEventId({ 'X-Event-Id': 'e1' })).toBeUndefined();
    expect(() => genericEventId({ 'x-event-id': 'e'.repeat(2000) }, 'x-event-id')).toThrow(expect.objectContaining({ statusCode: 400 }));
  });
});

describe('Function: rawBody / header', () => {
  it('decodes base64 bodies, keeps text bodies as UTF-8 and treats a missing body as empty', () => {
    expect(rawBody({ body: Buffer.from([0xff, 0x00, 0x01]).toString('base64'), isBase64Encoded: true })).toEqual(Buffer.from([0xff, 0x00, 0x01]));
    expect(rawBody({ body: 'héllo', isBase64Encoded: false })).toEqual(Buffer.from('héllo', 'utf8'));
    expect(rawBody({ body: null })).toEqual(Buffer.alloc(0));
  });

  it('looks headers up case-insensitively and takes the first of repeated values', () => {
    expect(header({ 'Content-Type': 'a' }, 'content-type')).toBe('a');
    expect(header({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1');
    expect(header(undefined, 'x')).toBeUndefined();
  });
});
