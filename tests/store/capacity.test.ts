import { GetCommand, PutCommand } from '../../shared/store/dynamo';
import { startDynalite } from '../../shared/local/dynamo';
import { createDb, ensureTable } from '../../shared/store/db';

describe('Class: Db, capacity', () => {
  it('asks the store for the ConsumedCapacity of every read and write and adds up what it reports, by kind', async () => {
    const dyn = await startDynalite();
    const db = createDb({ endpoint: dyn.endpoint, table: 'capacity' });
    try {
      await ensureTable(db.client, db.table);
      // 25 items under 1 KB (one write unit each) and 25 of about 1.5 KB (two each).
      await db.batchWrite(Array.from({ length: 50 }, (_, i) => ({ PK: 'P', SK: `s${String(i).padStart(2, '0')}`, d: 'x'.repeat(i < 25 ? 100 : 1500) })));
      expect(db.consumed).toEqual({ read: 0, write: 75 });
      await db.doc.send(new PutCommand({ TableName: db.table, Item: { PK: 'P', SK: 'big', d: 'y'.repeat(3000) } }));
      expect(db.consumed.write).toBe(78);
      // An eventually consistent read: half a unit per started 4 KB.
      await db.doc.send(new GetCommand({ TableName: db.table, Key: { PK: 'P', SK: 'big' } }));
      expect(db.consumed.read).toBe(0.5);
      // A Query is billed by the bytes it read (about 41 KB here), whatever it projects.
      for await (const page of db.query({ KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'P' }, ProjectionExpression: 'SK' })) expect(page.Items).toHaveLength(51);
      expect(db.consumed.read).toBe(0.5 + 5.5);
      expect(db.consumed.write).toBe(78);
    } finally {
      db.client.destroy();
      await dyn.close();
    }
  });
});
