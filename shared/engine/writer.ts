import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SourceRecord } from '../connectors/types';
import { keys } from '../store/keys';
import type { RecordMeta, RecordStore, StoredRecord } from '../store/records';
import { recordHash } from './hash';

export interface WriteOutcome {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records whose stored copy is newer than what arrived (a late webhook or a lagging page). */
  stale: number;
}

/**
 * Upserts a batch of source records keyed by their ids: reads the stored hashes first and writes only what
 * is new or changed, so a re-sync of unchanged data costs reads, not writes. When both sides carry a source
 * timestamp, the newer one wins: a late, older copy never overwrites newer data.
 */
export async function upsertRecords(
  store: RecordStore,
  integrationId: string,
  dataType: string,
  records: SourceRecord[],
  opts: {
    dryRun?: boolean;
    now?: string;
    /** What the store held for this data type when the run started (a full run's snapshot); kept current. */
    known?: Map<string, RecordMeta>;
    /** Re-read what the snapshot says changed: someone else (a webhook) may have written since it was taken. */
    verify?: boolean;
  } = {},
): Promise<WriteOutcome> {
  const out: WriteOutcome = { created: 0, updated: 0, unchanged: 0, deleted: 0, stale: 0 };
  // A page may repeat an id (sources re-send on paging drift): the last copy wins, written once.
  const byId = new Map<string, SourceRecord>();
  for (const r of records) byId.set(r.id, r);
  const hashes = new Map<string, string>();
  for (const r of byId.values()) hashes.set(r.id, recordHash(r.data, r.deleted));
  let meta: Map<string, RecordMeta>;
  if (opts.known) {
    const known = opts.known;
    meta = new Map();
    const suspects: string[] = [];
    for (const r of byId.values()) {
      const k = known.get(r.id);
      if (k) meta.set(r.id, k);
      if (!k || k.hash !== hashes.get(r.id)) suspects.push(r.id);
    }
    if (opts.verify && suspects.length) for (const [id, m] of await store.meta(integrationId, dataType, suspects)) meta.set(id, m);
  } else meta = await store.meta(integrationId, dataType, [...byId.keys()]);
  const now = opts.now ?? new Date().toISOString();
  const writes: StoredRecord[] = [];
  for (const r of byId.values()) {
    const cur = meta.get(r.id);
    const hash = hashes.get(r.id)!;
    if (cur && cur.sourceUpdatedAt && r.updatedAt && cur.sourceUpdatedAt > r.updatedAt) {
      out.stale++;
      out.unchanged++;
      continue;
    }
    if (cur && cur.hash === hash) {
      out.unchanged++;
      continue;
    }
    if (!cur) out.created++;
    else if (r.deleted && !cur.deleted) out.deleted++;
    else out.updated++;
    writes.push({
      integrationId,
      dataType,
      externalId: r.id,
      data: r.data,
      hash,
      syncStatus: 'synced',
      createdAt: cur?.createdAt ?? now,
      updatedAt: now,
      sourceUpdatedAt: r.updatedAt ?? cur?.sourceUpdatedAt,
      deleted: r.deleted ?? false,
    });
  }
  if (!opts.dryRun && writes.length) await store.write(writes);
  if (opts.known && !opts.dryRun)
    for (const w of writes) opts.known.set(w.externalId, { hash: w.hash, createdAt: w.createdAt, sourceUpdatedAt: w.sourceUpdatedAt, deleted: w.deleted });
  return out;
}

/** Marks records deleted (a successful full run did not see them). The data stays; `deleted` flips. */
export async function markDeleted(store: RecordStore, integrationId: string, dataType: string, ids: string[], now = new Date().toISOString()): Promise<void> {
  const db = store.db;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.record(integrationId, dataType, id),
          UpdateExpression: 'SET deleted = :t, #h = :h, updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#h': 'hash' },
          ExpressionAttributeValues: { ':t': true, ':h': `deleted:${id}`, ':now': now },
        }),
      );
      db.writes++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
}
