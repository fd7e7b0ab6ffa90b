import { Db, ensureTable } from '../../shared/store/db';
import { DynamoClient, type Wire } from '../../shared/store/dynamo';
import { RecordStore } from '../../shared/store/records';
import { startDynalite } from '../../shared/local/dynamo';

/**
 * A real DynamoDB-compatible server behind a client that, like DynamoDB under throttling, sends only part of
 * each BatchWriteItem and hands the rest back as UnprocessedItems.
 */
describe('Class: Db', () => {
  describe('Method: batchWrite', () => {
    it('retries UnprocessedItems until every item is written; nothing is dropped', async () => {
      const dyn = await startDynalite();
      const client = new DynamoClient({ endpoint: dyn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      let throttled = 0;
      let calls = 0;
      client.use((next) => async (operation, input) => {
        if (operation !== 'BatchWriteItem') return next(operation, input);
        calls++;
        const [table, items] = Object.entries(input.RequestItems as Record<string, unknown[]>)[0];
        // Every other call, half the batch is "throttled".
        const keep = calls % 2 ? items.slice(0, Math.ceil(items.length / 2)) : items;
        const left = items.slice(keep.length);
        throttled += left.length;
        const out = await next(operation, { ...input, RequestItems: { [table]: keep } });
        const unprocessed = (out.UnprocessedItems ?? {}) as Record<string, unknown[]>;
        return left.length ? { ...out, UnprocessedItems: { [table]: [...(unprocessed[table] ?? []), ...left] } } : out;
      });
      try {
        await ensureTable(client, 'throttled');
        const db = new Db(client, 'throttled', async () => undefined);
        const store = new RecordStore(db);
        const records = Array.from({ length: 237 }, (_, n) => ({ id: `r${n}`, data: { n } }));
        const outcome = await store.upsert('int1', 'things', records);
        expect(outcome.created).toBe(237);
        expect(throttled).toBeGreaterThan(0);
        expect(await store.count('int1', 'things')).toBe(237);
        expect(db.writes).toBe(237);
      } finally {
        client.destroy();
        await dyn.close();
      }
    });

    it('gives up loudly, never silently, when items stay unprocessed', async () => {
      const dyn = await startDynalite();
      const client = new DynamoClient({ endpoint: dyn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      client.use((next) => async (operation, input): Promise<Wire> => (operation === 'BatchWriteItem' ? { UnprocessedItems: input.RequestItems } : next(operation, input)));
      try {
        await ensureTable(client, 'throttled');
        const db = new Db(client, 'throttled', async () => undefined);
        await expect(db.batchWrite([{ PK: 'a', SK: 'b' }])).rejects.toThrow(/unprocessed/);
      } finally {
        client.destroy();
        await dyn.close();
      }
    });
  });
});
