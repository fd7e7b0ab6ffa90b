import type { Item } from './db';
import { keys } from './keys';

export interface StoredRecord {
  integrationId: string;
  dataType: string;
  externalId: string;
  data: Record<string, unknown>;
  /** SHA-256 of the canonical JSON of `data` and `deleted`: unchanged records are never rewritten. */
  hash: string;
  syncStatus: 'synced' | 'pending' | 'failed';
  createdAt: string;
  updatedAt: string;
  sourceUpdatedAt?: string;
  deleted?: boolean;
}

export interface RecordMeta {
  hash: string;
  createdAt: string;
  sourceUpdatedAt?: string;
  deleted?: boolean;
}

/**
 * DynamoDB nests maps and lists at most 32 levels deep (and dynalite recurses without a bound): a source
 * record nested deeper than this is stored as its JSON text in `dataJson` and parsed back on every read.
 */
export const MAX_NESTING = 30;

/** Whether `value` nests objects or arrays more than `limit` levels deep; iterative, so any depth is safe. */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: { v: object; d: number }[] = value !== null && typeof value === 'object' ? [{ v: value, d: 1 }] : [];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (d > limit) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (c !== null && typeof c === 'object') stack.push({ v: c, d: d + 1 });
  }
  return false;
}

export function toItem(r: StoredRecord): Item {
  const key = keys.record(r.integrationId, r.dataType, r.externalId);
  if (!deeperThan(r.data, MAX_NESTING)) return { ...key, ...r };
  const { data, ...rest } = r;
  return { ...key, ...rest, dataJson: JSON.stringify(data) };
}

export function fromItem(x: Item): StoredRecord {
  const { PK, SK, dataJson, ...rest } = x;
  void PK, SK;
  if (typeof dataJson === 'string') rest.data = JSON.parse(dataJson);
  return rest as unknown as StoredRecord;
}
