import { LedgerStore, type LedgerEntry } from '../../shared/flows/store';
import { startTestStack, type TestStack } from '../helpers/stack';

const entry = (sourceId: string, updatedAt: string, change: Partial<LedgerEntry> = {}): LedgerEntry => ({
  sourceId,
  targetId: null,
  status: 'delivered',
  payloadHash: 'h1',
  attempts: 1,
  lastError: null,
  updatedAt,
  ...change,
});

describe('Delivery ledger: a page written at once', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('writes every entry nobody else wrote since it was read, and leaves the rest to the writer that did', async () => {
    const ledger = new LedgerStore(stack.app.db);
    const flowId = 'f-ledger';
    const t0 = '2026-12-01T00:00:00.000Z';
    // Read by this run: B and C exist, A does not.
    await ledger.putMany(flowId, [{ entry: entry('B', t0) }, { entry: entry('C', t0) }]);
    const read = await ledger.getMany(flowId, ['A', 'B', 'C', 'D']);
    // Meanwhile another run writes C and creates D.
    expect(await ledger.put(flowId, entry('C', '2026-12-01T00:00:05.000Z', { targetId: 'other', payloadHash: 'h2' }), read.get('C'))).toBe(true);
    expect(await ledger.put(flowId, entry('D', '2026-12-01T00:00:05.000Z', { targetId: 'other' }), undefined)).toBe(true);

    const t1 = '2026-12-01T00:00:09.000Z';
    const lost = await ledger.putMany(
      flowId,
      ['A', 'B', 'C', 'D'].map((id) => ({ entry: entry(id, t1, { targetId: 'mine', attempts: 2 }), ...(read.get(id) ? { prev: read.get(id) } : {}) })),
    );
    expect(lost.sort()).toEqual(['C', 'D']);
    const after = await ledger.getMany(flowId, ['A', 'B', 'C', 'D']);
    expect(after.get('A')).toMatchObject({ targetId: 'mine', updatedAt: t1 });
    expect(after.get('B')).toMatchObject({ targetId: 'mine', updatedAt: t1 });
    expect(after.get('C')).toMatchObject({ targetId: 'other', payloadHash: 'h2' });
    expect(after.get('D')).toMatchObject({ targetId: 'other' });
  });

  it('writes the same source record once when a page names it twice (the later entry wins)', async () => {
    const ledger = new LedgerStore(stack.app.db);
    const lost = await ledger.putMany('f-twice', [{ entry: entry('X', '2026-12-01T00:00:00.000Z', { targetId: 'first' }) }, { entry: entry('X', '2026-12-01T00:00:01.000Z', { targetId: 'second' }) }]);
    expect(lost).toEqual([]);
    expect((await ledger.getMany('f-twice', ['X'])).get('X')).toMatchObject({ targetId: 'second' });
  });
});
