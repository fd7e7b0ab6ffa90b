import { createHmac } from 'node:crypto';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signSwitchboard, verifySwitchboardSignature } from '../../shared/notify';

describe('Function: signSwitchboard / verifySwitchboardSignature', () => {
  const secret = 'whsec_test_' + 'k'.repeat(32);
  const body = Buffer.from('{"id":"d1","event":"run.failed","data":{}}');
  const nowMs = 1714557600_123;

  it('signs hex HMAC-SHA256(secret, timestamp + "." + body) with a unix-seconds timestamp', () => {
    const headers = signSwitchboard(secret, body, nowMs);
    expect(headers[TIMESTAMP_HEADER]).toBe('1714557600');
    expect(headers[SIGNATURE_HEADER]).toBe(createHmac('sha256', secret).update('1714557600.').update(body).digest('hex'));
  });

  it('verifies its own signature and rejects tampering, another secret and stale timestamps', () => {
    const headers = signSwitchboard(secret, body, nowMs);
    expect(verifySwitchboardSignature({ headers, body, secret, now: () => nowMs + 1000 }).ok).toBe(true);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifySwitchboardSignature({ headers: lower, body, secret, now: () => nowMs }).ok).toBe(true);
    expect(verifySwitchboardSignature({ headers, body: Buffer.from(body.toString().replace('d1', 'd2')), secret, now: () => nowMs })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySwitchboardSignature({ headers, body, secret: secret + 'x', now: () => nowMs })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySwitchboardSignature({ headers, body, secret, now: () => nowMs + 301_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySwitchboardSignature({ headers: { [TIMESTAMP_HEADER]: headers[TIMESTAMP_HEADER] }, body, secret, now: () => nowMs })).toEqual({ ok: false, reason: 'missing_signature' });
  });
});
