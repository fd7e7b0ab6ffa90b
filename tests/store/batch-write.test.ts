import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Db, ensureTable } from '../../shared/store/db';
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
      const client = new DynamoDBClient({ endpoint: dyn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      let throttled = 0;
      let calls = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'BatchWriteItemCommand') return next(args);
          calls++;
          const input = args.input as { RequestItems: Record<string, unknown[]> };
          const [table, items] = Object.entries(input.RequestItems)[0];
          // Every other call, half the batch is "throttled".
          const keep = calls % 2 ? items.slice(0, Math.ceil(items.length / 2)) : items;
          const left = items.slice(keep.length);
          throttled += left.length;
          const out = (await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } })) as { output: { UnprocessedItems?: Record<string, unknown[]> } };
          if (left.length) out.output.UnprocessedItems = { [table]: [...(out.output.UnprocessedItems?.[table] ?? []), ...left] };
          return out as never;
        },
        { step: 'initialize', name: 'throttle', priority: 'low' },
      );
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
      const client = new DynamoDBClient({ endpoint: dyn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'BatchWriteItemCommand') return next(args);
          const input = args.input as { RequestItems: Record<string, unknown[]> };
          return { output: { UnprocessedItems: input.RequestItems, $metadata: {} }, response: {} } as never;
        },
        { step: 'initialize', name: 'always-throttle', priority: 'low' },
      );
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
