import { canonicalJson, recordHash } from '../../shared/store/hash';

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
