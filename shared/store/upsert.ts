import type { RejectedRecord, SourceRecord } from '../connectors/types';
import { hashAndSize } from './hash';
import type { RecordMeta, StoredRecord } from './record-item';

export interface WriteOutcome {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records whose stored copy is newer than what arrived (a late webhook or a lagging page). */
  stale: number;
  /** Records the store refused, with its reason; the others were stored. */
  rejected: RejectedRecord[];
}

type WriteKind = 'created' | 'updated' | 'deleted';

export interface UpsertPlan {
  outcome: WriteOutcome;
  writes: StoredRecord[];
  /** How each write is counted in the outcome. */
  kinds: Map<string, WriteKind>;
}

/** Records by id with their hashes (and their canonical JSON's length): what an upsert compares. */
export type HashedRecords = Map<string, { record: SourceRecord; hash: string; size: number }>;

/** A page may repeat an id (sources re-send on paging drift): the last copy wins, written once. */
export function lastCopies(records: SourceRecord[]): HashedRecords {
  const byId: HashedRecords = new Map();
  for (const r of records) byId.set(r.id, { record: r, hash: '', size: 0 });
  for (const v of byId.values()) ({ hash: v.hash, size: v.size } = hashAndSize(v.record.data, v.record.deleted));
  return byId;
}

/**
 * Decides, against what is stored, which records are new or changed; the rest cost nothing. When both sides
 * carry a source timestamp, the newer one wins: a late, older copy never overwrites newer data.
 */
export function planUpsert(
  integrationId: string,
  dataType: string,
  byId: HashedRecords,
  meta: Map<string, RecordMeta>,
  now: string,
): UpsertPlan {
  const outcome: WriteOutcome = { created: 0, updated: 0, unchanged: 0, deleted: 0, stale: 0, rejected: [] };
  const writes: StoredRecord[] = [];
  const kinds = new Map<string, WriteKind>();
  for (const { record: r, hash } of byId.values()) {
    const cur = meta.get(r.id);
    if (cur && cur.sourceUpdatedAt && r.updatedAt && cur.sourceUpdatedAt > r.updatedAt) {
      outcome.stale++;
      outcome.unchanged++;
      continue;
    }
    if (cur && cur.hash === hash) {
      outcome.unchanged++;
      continue;
    }
    const kind: WriteKind = !cur ? 'created' : r.deleted && !cur.deleted ? 'deleted' : 'updated';
    outcome[kind]++;
    kinds.set(r.id, kind);
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
  return { outcome, writes, kinds };
}
