import { PutCommand, QueryCommand, UpdateCommand } from './dynamo';
import type { RejectedRecord, SourceRecord } from '../connectors/types';
import type { Db, Item } from './db';
import { keys } from './keys';
import { decodeCursor, encodeCursor } from './paging';
import { fromItem, toItem, type RecordMeta, type StoredRecord } from './record-item';
import { splitKeyRange } from './segments';
import { lastCopies, planUpsert, type HashedRecords, type WriteOutcome } from './upsert';

/** Parallel Queries a snapshot is read with: DynamoDB serves a partition's key ranges at once. */
const SNAPSHOT_SEGMENTS = 4;

export type { WriteOutcome } from './upsert';

export interface UpsertOptions {
  dryRun?: boolean;
  now?: string;
  /** What the store held for this data type when the run started (a full run's snapshot); kept current. */
  known?: Map<string, RecordMeta>;
  /** Re-read what the snapshot says changed: someone else (a webhook) may have written since it was taken. */
  verify?: boolean;
}

/**
 * The records layer: upserts keyed by source id that write only what changed, deletion marks, and the reads
 * the engine compares against. Sync runs and webhooks write records only through it.
 */
export class RecordStore {
  constructor(readonly db: Db) {}

  /**
   * Upserts source records: compares their hashes with what is stored (the `known` snapshot, or a read of
   * their ids) and writes only what is new or changed, so a re-sync of unchanged data costs reads, not writes.
   * `records` may come already hashed (`lastCopies`), by a caller that had the time to spare earlier.
   */
  async upsert(integrationId: string, dataType: string, records: SourceRecord[] | HashedRecords, opts: UpsertOptions = {}): Promise<WriteOutcome> {
    const byId = records instanceof Map ? records : lastCopies(records);
    let meta: Map<string, RecordMeta>;
    if (opts.known) {
      meta = new Map();
      const suspects: string[] = [];
      for (const [id, { hash }] of byId) {
        const k = opts.known.get(id);
        if (k) meta.set(id, k);
        if (!k || k.hash !== hash) suspects.push(id);
      }
      if (opts.verify && suspects.length) for (const [id, m] of await this.meta(integrationId, dataType, suspects)) meta.set(id, m);
    } else meta = await this.meta(integrationId, dataType, [...byId.keys()]);
    const { outcome, writes, kinds } = planUpsert(integrationId, dataType, byId, meta, opts.now ?? new Date().toISOString());
    if (opts.dryRun || !writes.length) return outcome;
    outcome.rejected = await this.write(writes);
    const rejected = new Set(outcome.rejected.map((r) => r.id));
    for (const id of rejected) outcome[kinds.get(id!)!]--;
    for (const w of writes)
      if (!rejected.has(w.externalId)) opts.known?.set(w.externalId, { hash: w.hash, createdAt: w.createdAt, sourceUpdatedAt: w.sourceUpdatedAt, deleted: w.deleted });
    return outcome;
  }

  /** Marks records deleted (gone from the source). The data stays; `deleted` flips. */
  async markDeleted(integrationId: string, dataType: string, ids: string[], now = new Date().toISOString()): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: keys.record(integrationId, dataType, id),
            UpdateExpression: 'SET deleted = :t, #h = :h, updatedAt = :now',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#h': 'hash' },
            ExpressionAttributeValues: { ':t': true, ':h': `deleted:${id}`, ':now': now },
          }),
        );
        this.db.writes++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
  }

  /** What we hold for these ids: enough to decide create / update / unchanged / older without the data. */
  async meta(integrationId: string, dataType: string, ids: string[]): Promise<Map<string, RecordMeta>> {
    const items = await this.db.batchGet(
      ids.map((id) => keys.record(integrationId, dataType, id)),
      ['externalId', 'hash', 'createdAt', 'sourceUpdatedAt', 'deleted'],
    );
    return new Map(items.map((i) => [i.externalId as string, i as unknown as RecordMeta]));
  }

  /**
   * Writes records in batches. A batch the store rejects (an attribute it cannot hold, such as a `__proto__`
   * key, or an item over its size limit) is written again one record at a time, so one bad record costs only
   * itself: the records the store refused are returned with its reason, the rest are stored.
   */
  async write(records: StoredRecord[]): Promise<RejectedRecord[]> {
    const items = records.map(toItem);
    try {
      await this.db.batchWrite(items);
      return [];
    } catch (err) {
      if (!isRejection(err)) throw err;
    }
    const rejected: RejectedRecord[] = [];
    for (const [n, Item] of items.entries()) {
      try {
        await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item }));
        this.db.writes++;
      } catch (err) {
        if (!isRejection(err)) throw err;
        rejected.push({ id: records[n].externalId, reason: `the store rejected the record: ${(err as Error).message}` });
      }
    }
    return rejected;
  }

  async get(integrationId: string, dataType: string, externalId: string): Promise<StoredRecord | undefined> {
    const [item] = await this.db.batchGet([keys.record(integrationId, dataType, externalId)]);
    return item ? fromItem(item) : undefined;
  }

  async list(integrationId: string, opts: RecordFilter & { limit: number; cursor?: string }): Promise<{ items: StoredRecord[]; nextCursor: string | null }> {
    const pk = keys.recordsPk(integrationId);
    const out = await this.db.doc.send(
      new QueryCommand({ ...recordQuery(pk, opts), TableName: this.db.table, Limit: opts.limit, ExclusiveStartKey: decodeCursor(opts.cursor, pk) }),
    );
    return { items: (out.Items ?? []).map(fromItem), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /**
   * Every record the filter selects, one Query page at a time (`pageSize` items at most), read only as the
   * caller asks for the next page: an export of any size holds one page.
   * @example for await (const page of records.pages(id, { dataType: 'contacts' })) for (const r of page) …
   */
  async *pages(integrationId: string, opts: RecordFilter & { pageSize?: number; projection?: string[] }): AsyncIterable<StoredRecord[]> {
    const q = recordQuery(keys.recordsPk(integrationId), opts);
    const names = opts.projection && Object.fromEntries(opts.projection.map((p, i) => [`#p${i}`, p]));
    const projection = names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {};
    for await (const page of this.db.query({ ...q, ...projection, Limit: opts.pageSize ?? 1000 })) yield (page.Items ?? []).map(fromItem);
  }

  /**
   * What is stored for a data type, id → meta, read with Query walks (far cheaper than a BatchGet per page:
   * DynamoDB charges a Query by bytes read, a BatchGet by item). The key range is read in SNAPSHOT_SEGMENTS
   * parallel segments, each a sequential walk of 1 MB pages. Undefined when there are more than `max`.
   */
  async snapshot(integrationId: string, dataType: string, max: number): Promise<Map<string, RecordMeta> | undefined> {
    const pk = keys.recordsPk(integrationId);
    const edge = async (forward: boolean) => {
      const out = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': pk, ':sk': `${dataType}#` },
          ProjectionExpression: 'SK',
          ScanIndexForward: forward,
          Limit: 1,
        }),
      );
      return out.Items?.[0]?.SK as string | undefined;
    };
    const [lo, hi] = await Promise.all([edge(true), edge(false)]);
    const out = new Map<string, RecordMeta>();
    if (lo === undefined || hi === undefined) return out;
    const cuts = splitKeyRange(lo, hi, SNAPSHOT_SEGMENTS);
    let over = false;
    await Promise.all(
      cuts.slice(1).map(async (to, j) => {
        for await (const page of this.db.query({
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': pk, ':a': cuts[j], ':b': to },
          ProjectionExpression: 'externalId, #h, createdAt, sourceUpdatedAt, deleted',
          ExpressionAttributeNames: { '#h': 'hash' },
        })) {
          for (const i of page.Items ?? []) out.set(i.externalId as string, i as unknown as RecordMeta);
          if (out.size > max) over = true;
          if (over) return;
        }
      }),
    );
    return over ? undefined : out;
  }

  /** Every stored id of a data type that is not already marked deleted (for a full run's deletion pass). */
  async *liveIds(integrationId: string, dataType: string): AsyncIterable<string[]> {
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: 'attribute_not_exists(deleted) OR deleted = :f',
      ExpressionAttributeValues: { ':pk': keys.recordsPk(integrationId), ':sk': `${dataType}#`, ':f': false },
      ProjectionExpression: 'externalId',
    }))
      yield (page.Items ?? []).map((i) => i.externalId as string);
  }

  async count(integrationId: string, dataType?: string): Promise<number> {
    let n = 0;
    for await (const page of this.db.query({
      KeyConditionExpression: dataType ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.recordsPk(integrationId), ...(dataType ? { ':sk': `${dataType}#` } : {}) },
      Select: 'COUNT',
    }))
      n += page.Count ?? 0;
    return n;
  }
}

/** Which records a listing or an export selects. */
export interface RecordFilter {
  dataType?: string;
  /** ISO timestamp: records whose stored copy changed after it. */
  modifiedAfter?: string;
  includeDeleted?: boolean;
}

function recordQuery(pk: string, opts: RecordFilter) {
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': pk };
  if (opts.modifiedAfter) {
    filters.push('updatedAt > :m');
    values[':m'] = opts.modifiedAfter;
  }
  if (!opts.includeDeleted) {
    filters.push('attribute_not_exists(deleted) OR deleted = :f');
    values[':f'] = false;
  }
  if (opts.dataType) values[':sk'] = `${opts.dataType}#`;
  return {
    KeyConditionExpression: opts.dataType ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
    FilterExpression: filters.length ? filters.map((f) => `(${f})`).join(' AND ') : undefined,
    ExpressionAttributeValues: values,
  };
}

/** The store refused the request's content (not throttling, not a fault): retrying it as is cannot succeed. */
const isRejection = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'ValidationException';

/** Deletes every item in a partition (an integration's records, state, runs, events). */
export async function deletePartition(db: Db, pk: string): Promise<number> {
  let n = 0;
  for await (const page of db.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'PK, SK' })) {
    const ks = (page.Items ?? []) as { PK: string; SK: string }[];
    await db.batchWrite([], ks);
    n += ks.length;
  }
  return n;
}
