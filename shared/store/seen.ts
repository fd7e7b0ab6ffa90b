import { DeleteCommand, PutCommand } from './dynamo';
import type { Db } from './db';
import { keys } from './keys';

/** Ids per data type. */
export type SeenIds = Map<string, Set<string>>;

const CHUNK = 10_000;
const TTL_S = 7 * 86400;

/**
 * The ids a full run has seen, kept across its invocations (continuations, pauses) in chunks that expire
 * with the run: the deletion pass marks only what a complete set did not contain.
 */
export class SeenStore {
  constructor(private readonly db: Db) {}

  async save(integrationId: string, runId: string, seen: SeenIds): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + TTL_S;
    for (const [stream, ids] of seen) {
      const all = [...ids];
      for (let n = 0, i = 0; i < all.length || n === 0; n++, i += CHUNK) {
        await this.db.doc.send(
          new PutCommand({ TableName: this.db.table, Item: { ...keys.seen(integrationId, runId, stream, n), ids: all.slice(i, i + CHUNK), expiresAt } }),
        );
      }
    }
  }

  async load(integrationId: string, runId: string): Promise<SeenIds> {
    const seen: SeenIds = new Map();
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.owned(integrationId), ':sk': `SEEN#${runId}#` },
    })) {
      for (const item of page.Items ?? []) {
        const stream = (item.SK as string).split('#')[2];
        const set = seen.get(stream) ?? new Set<string>();
        for (const id of item.ids as string[]) set.add(id);
        seen.set(stream, set);
      }
    }
    return seen;
  }

  /** The ids the last clean full run of an unstably paged data type did not see: deleted if the next misses them too. */
  async suspects(integrationId: string, stream: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.owned(integrationId), ':sk': `SUSPECT#${stream}#` },
    }))
      for (const item of page.Items ?? []) for (const id of item.ids as string[]) ids.add(id);
    return ids;
  }

  /** Replaces the suspects of a data type. */
  async saveSuspects(integrationId: string, stream: string, ids: string[]): Promise<void> {
    const old: string[] = [];
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.owned(integrationId), ':sk': `SUSPECT#${stream}#` },
      ProjectionExpression: 'SK',
    }))
      for (const item of page.Items ?? []) old.push(item.SK as string);
    const written = new Set<string>();
    for (let n = 0, i = 0; i < ids.length; n++, i += CHUNK) {
      const key = { PK: keys.owned(integrationId), SK: `SUSPECT#${stream}#${String(n).padStart(5, '0')}` };
      await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...key, ids: ids.slice(i, i + CHUNK) } }));
      written.add(key.SK);
    }
    for (const SK of old) if (!written.has(SK)) await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: { PK: keys.owned(integrationId), SK } }));
  }
}
