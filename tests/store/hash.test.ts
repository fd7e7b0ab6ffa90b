import { createHash } from 'node:crypto';
import { canonicalJson, hashAndSize, recordHash } from '../../shared/store/hash';

describe('Function: canonicalJson', () => {
  it('is independent of key order at every depth and drops undefined like JSON does', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: null }], x: 'é"' }, u: undefined };
    const b = { a: { x: 'é"', y: [1, { p: null, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"é\\"","y":[1,{"p":null,"q":2}]},"b":1}');
    expect(JSON.parse(canonicalJson(a))).toEqual(JSON.parse(JSON.stringify(a)));
  });

  it('keeps array order and distinguishes values', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(recordHash({ a: '1' })).not.toBe(recordHash({ a: 1 }));
    expect(recordHash({ a: 1 }, true)).not.toBe(recordHash({ a: 1 }));
  });
});

describe('Function: recordHash', () => {
  it('is the SHA-256 of the canonical JSON (then the deleted mark) that stored records carry, so no record is rewritten after an upgrade', () => {
    const data = { z: [1, { b: 'x', a: null }], 'ü"': 'é', n: 1.5 };
    const streamed = (deleted: boolean) => createHash('sha256').update(canonicalJson(data)).update(deleted ? '\u0000deleted' : '').digest('base64url');
    expect(recordHash(data)).toBe(streamed(false));
    expect(recordHash(data, true)).toBe(streamed(true));
    expect(recordHash({ a: 1 })).toBe('AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX-GI');
    // The size a read-ahead counts is the canonical JSON's length, beside the same digest.
    expect(hashAndSize(data, true)).toEqual({ hash: recordHash(data, true), size: canonicalJson(data).length });
  });
});
