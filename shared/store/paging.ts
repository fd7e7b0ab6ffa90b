import { QueryCommand } from './dynamo';
import { ValidationError } from '../errors';
import type { Db, Item } from './db';

/** Opaque page cursors for API clients: the store's LastEvaluatedKey, base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** The only attributes a start key of our table and its index has: anything else is not one of our cursors. */
const KEY_ATTRIBUTES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK']);

/** `pk`: the partition the cursor must belong to (a cursor from another listing is a client error, not a 500). */
export function decodeCursor(cursor: string | undefined, pk?: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const shaped = v && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([k, x]) => KEY_ATTRIBUTES.has(k) && typeof x === 'string' && x.length <= 1024);
    if (shaped && typeof v.SK === 'string' && (!pk || v.PK === pk)) return v;
  } catch {
    /* reported below */
  }
  throw new ValidationError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
}

/** One page of a partition's items under a sort-key prefix, newest first (ULID sort keys): run histories. */
export async function newestFirst(db: Db, pk: string, prefix: string, limit: number, cursor?: string): Promise<{ items: Item[]; nextCursor: string | null }> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': pk, ':sk': prefix },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, pk),
    }),
  );
  return { items: out.Items ?? [], nextCursor: encodeCursor(out.LastEvaluatedKey) };
}
