import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from './dynamo';
import { ConflictError, NotFoundError, isConditionalCheckFailed } from '../errors';
import type { Db, Item } from './db';
import { DUE_SHARDS, keys, shardOf } from './keys';
import { decodeCursor, encodeCursor } from './paging';

export type IntegrationStatus = 'active' | 'inactive' | 'error';

export interface IntegrationItem {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  /** Secret fields hold sealed values (`sb1.…`), never plaintext. */
  config: Record<string, unknown>;
  status: IntegrationStatus;
  syncInterval: number;
  lastSync: string | null;
  nextSyncAt: string | null;
  errorMessage: string | null;
  consecutiveFailures: number;
  /** When repeated failures put it in `error`; cleared by the next successful run, not by an edit. */
  errorSince?: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const strip = (item: Item | undefined): IntegrationItem | undefined => {
  if (!item) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, ...rest } = item;
  void PK, SK, GSI1PK, GSI1SK;
  return rest as unknown as IntegrationItem;
};

/** The due-index attributes: present only while the integration is active and has a next sync time. */
export function dueAttributes(i: Pick<IntegrationItem, 'id' | 'status' | 'nextSyncAt'>) {
  return i.status === 'active' && i.nextSyncAt ? keys.due(shardOf(i.id), i.nextSyncAt, i.id) : {};
}

export class IntegrationStore {
  constructor(private readonly db: Db) {}

  async create(i: IntegrationItem): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: { ...keys.integration(i.tenantId, i.id), ...dueAttributes(i), ...i },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<IntegrationItem | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.integration(tenantId, id), ConsistentRead: true }));
    return strip(out.Item);
  }

  async require(tenantId: string, id: string): Promise<IntegrationItem> {
    const i = await this.get(tenantId, id);
    if (!i) throw new NotFoundError('integration', 'integration_not_found');
    return i;
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<{ items: IntegrationItem[]; nextCursor: string | null }> {
    const k = keys.integrationPrefix(tenantId);
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': k.PK, ':sk': k.SKPrefix },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, k.PK),
      }),
    );
    return { items: (out.Items ?? []).map((x) => strip(x)!), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /**
   * Replaces the integration when its version is still `expectedVersion` (optimistic locking: a stale
   * `If-Match` or a concurrent writer gets a 409). Keeps the due index in step with status/nextSyncAt.
   */
  async put(next: IntegrationItem, expectedVersion: number): Promise<IntegrationItem> {
    const item = { ...next, version: expectedVersion + 1 };
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.integration(item.tenantId, item.id), ...dueAttributes(item), ...item },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('The integration was changed by someone else; fetch it and retry.');
      throw err;
    }
    return item;
  }

  /** Applies `change` to the latest copy, retrying on concurrent writes (for system updates, not PATCH). */
  async update(tenantId: string, id: string, change: (i: IntegrationItem) => IntegrationItem | undefined): Promise<IntegrationItem | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const cur = await this.get(tenantId, id);
      if (!cur) return undefined;
      const next = change(structuredClone(cur));
      if (!next) return cur;
      try {
        return await this.put(next, cur.version);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new ConflictError('The integration is being changed too often; try again.');
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.integration(tenantId, id) }));
  }

  /**
   * Integrations whose next sync time has passed, oldest first, across the due shards (read at once). At most
   * `max` (what one tick can claim well inside its minute); the rest stay due for the next tick.
   */
  async due(nowIso: string, max = 20_000): Promise<IntegrationItem[]> {
    const perShard = Math.ceil(max / DUE_SHARDS);
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, async (_, shard) => {
        const found: IntegrationItem[] = [];
        for await (const page of this.db.query({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :now',
          ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':now': `${nowIso}#~` },
          Limit: Math.min(1000, perShard),
        })) {
          found.push(...(page.Items ?? []).map((x) => strip(x)!));
          if (found.length >= perShard) break;
        }
        return found;
      }),
    );
    return shards.flat().sort((a, b) => (a.nextSyncAt ?? '').localeCompare(b.nextSyncAt ?? ''));
  }

  /**
   * Claims a due integration by moving its next sync time, on the condition that nobody moved it first:
   * two overlapping scheduler runs never enqueue the same integration twice.
   */
  async claim(i: IntegrationItem, nextSyncAt: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.integration(i.tenantId, i.id),
          UpdateExpression: 'SET nextSyncAt = :next, GSI1SK = :sk',
          ConditionExpression: 'nextSyncAt = :cur AND #s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':next': nextSyncAt, ':sk': keys.due(0, nextSyncAt, i.id).GSI1SK, ':cur': i.nextSyncAt, ':active': 'active' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
