import { decodeCursor, encodeCursor } from '../../shared/store/paging';

describe('Module: paging (store cursors)', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it('round-trips a start key of the table or its index', () => {
    const key = { PK: 'INTEGRATION#i', SK: 'RUN#1', GSI1PK: 'DUE#0', GSI1SK: 'x' };
    expect(decodeCursor(encodeCursor(key)!, 'INTEGRATION#i')).toEqual(key);
  });

  it('refuses with a 400 what no query of ours returns: another partition, extra or non-key attributes, numbers, no sort key', () => {
    for (const forged of [{ PK: 'INTEGRATION#other', SK: 'RUN#1' }, { PK: 'INTEGRATION#i', SK: 'RUN#1', data: 'x' }, { PK: 'INTEGRATION#i', SK: 1 }, { PK: 'INTEGRATION#i' }, { PK: 'INTEGRATION#i', SK: 'x'.repeat(2_000) }]) {
      expect(() => decodeCursor(b64(forged), 'INTEGRATION#i')).toThrow(expect.objectContaining({ statusCode: 400 }));
    }
  });
});
