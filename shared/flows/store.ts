import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../store/dynamo';
import { ConflictError, NotFoundError, isConditionalCheckFailed } from '../errors';
import type { Db, Item } from '../store/db';
import { DUE_SHARDS, shardOf } from '../store/keys';
import { decodeCursor, encodeCursor, newestFirst } from '../store/paging';
import { deletePartition } from '../store/records';
import type { ActionFigures, ActionStep } from '../actions/types';
import type { CallsFigures } from './calls/figures';
import type { CreateFlow } from './schema';

/**
 * Flows, their runs and their delivery ledger in the one table (README "Data model"):
 * flow `TENANT#<tenantId>` / `FLOW#<id>`; run `FLOW#<id>` / `RUN#<ulid>`; ledger `LEDGER#<flowId>` / `<sourceId>`.
 */
export const flowKeys = {
  flow: (tenantId: string, id: string) => ({ PK: `TENANT#${tenantId}`, SK: `FLOW#${id}` }),
  run: (flowId: string, runId: string) => ({ PK: `FLOW#${flowId}`, SK: `RUN#${runId}` }),
  ledgerPk: (flowId: string) => `LEDGER#${flowId}`,
  ledger: (flowId: string, sourceId: string) => ({ PK: `LEDGER#${flowId}`, SK: sourceId }),
  /** Due index (GSI1, sparse): only active `schedule` flows carry it, sharded like the integrations'. */
  due: (shard: number, nextRunAt: string, flowId: string) => ({ GSI1PK: `FLOWDUE#${shard}`, GSI1SK: `${nextRunAt}#${flowId}` }),
};

const dueAttributes = (f: FlowItem) => (f.status === 'active' && f.trigger === 'schedule' && f.nextRunAt ? flowKeys.due(shardOf(f.id), f.nextRunAt, f.id) : {});

export type FlowStatus = 'active' | 'inactive' | 'error';

export interface FlowItem extends Omit<CreateFlow, 'status'> {
  id: string;
  tenantId: string;
  status: FlowStatus;
  /** Source records stored after this instant are the next run's work (minus a lookback). */
  lastRunAt: string | null;
  nextRunAt: string | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** `deferred`: a follow-up run for records whose actions waited out quiet hours. */
export type FlowRunTrigger = 'manual' | 'schedule' | 'realtime' | 'retry' | 'cli' | 'deferred';
export type FlowRunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';

export interface RecordError {
  sourceId: string;
  target: string;
  reason: string;
  /** Calls flows: seed 004's error code (RC-401, ZOHO-422…, shared/flows/calls/codes.ts). */
  code?: string;
}

/** A run, with seed 003's report fields as they are named there. */
export interface FlowRun {
  id: string;
  flowId: string;
  tenantId: string;
  trigger: FlowRunTrigger;
  status: FlowRunStatus;
  dryRun: boolean;
  since?: string;
  maxRecords?: number;
  /** Realtime runs: the changed source records. */
  sourceIds?: string[];
  /** Calls flows: hours looked back, the one office, the call types, and no report mail. */
  hoursBack?: number;
  office?: string;
  callTypes?: ('accepted' | 'missed')[];
  noEmail?: boolean;
  /** Calls flows: the calls figures beside seed 003's summary. */
  calls?: CallsFigures;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  sync_summary: { records_processed: number; successful_transfers: number; failed_transfers: number; duplicates_skipped: number; sync_duration: string };
  data_quality: { completeness_score: number; validation_errors: number; missing_required_fields: string[] };
  stats: { created: number; updated: number; unchanged: number; filtered: number; skipped: number; notes?: number; requests: number; retries: number; http429: number; durationMs: number };
  next_sync: string | null;
  errors: RecordError[];
  /** Per action step: records sent, failed, skipped (opt-out, quiet hours…), deferred, filtered by `when`, done before. */
  actions?: Record<string, ActionFigures>;
  /** Dry runs: what would be sent for the first records. */
  preview?: { sourceId: string; action: string; targetId?: string; payload: Record<string, unknown>; actions?: Record<string, Record<string, unknown>> }[];
  error: string | null;
  /**
   * Saved with the figures after a page: where the run goes on from (a store cursor, a ledger source id, an index
   * into `sourceIds`) and the sums behind completeness, so a continuation or a redelivered run resumes there.
   */
  checkpoint?: RunCheckpoint;
  /** How often the run handed itself on before the invocation's time ran out. */
  continuations?: number;
  expiresAt?: number;
}

export interface RunCheckpoint {
  position: string | number;
  filled: number;
  fields: number;
  missing: Record<string, number>;
}

export type LedgerStatus = 'delivered' | 'failed' | 'skipped' | 'filtered' | 'pending';

export interface LedgerEntry {
  sourceId: string;
  targetId: string | null;
  status: LedgerStatus;
  payloadHash: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  /** Each action's step for this record (shared/flows/action-steps.ts). */
  actions?: Record<string, ActionStep>;
  /** Set while an action step failed in a way worth trying again: `POST /retry` picks the record up. */
  actionRetry?: true;
  /** Calls flows: the steps done for the call (status, note, attachment), so a retry redoes only the rest. */
  steps?: Record<string, unknown>;
}

const strip = <T>(x: Item | undefined): T | undefined => {
  if (!x) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, ...rest } = x;
  void PK, SK, GSI1PK, GSI1SK;
  return rest as T;
};

type Page<T> = { items: T[]; nextCursor: string | null };

export class FlowStore {
  constructor(private readonly db: Db) {}

  async create(f: FlowItem): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...flowKeys.flow(f.tenantId, f.id), ...dueAttributes(f), ...f }, ConditionExpression: 'attribute_not_exists(PK)' }));
  }

  async get(tenantId: string, id: string): Promise<FlowItem | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: flowKeys.flow(tenantId, id), ConsistentRead: true }));
    return strip<FlowItem>(out.Item);
  }

  async require(tenantId: string, id: string): Promise<FlowItem> {
    const f = await this.get(tenantId, id);
    if (!f) throw new NotFoundError('flow', 'flow_not_found');
    return f;
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<FlowItem>> {
    const pk = `TENANT#${tenantId}`;
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': 'FLOW#' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, pk),
      }),
    );
    return { items: (out.Items ?? []).map((x) => strip<FlowItem>(x)!), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /** Replaces the flow while it is still at `expectedVersion` (a stale If-Match or a concurrent writer: 409). */
  async put(next: FlowItem, expectedVersion: number): Promise<FlowItem> {
    const item = { ...next, version: expectedVersion + 1 };
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...flowKeys.flow(item.tenantId, item.id), ...dueAttributes(item), ...item },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('The flow was changed by someone else; fetch it and retry.');
      throw err;
    }
    return item;
  }

  /** Applies `change` to the latest copy, retrying on concurrent writes (system updates, not PATCH). */
  async update(tenantId: string, id: string, change: (f: FlowItem) => FlowItem): Promise<FlowItem | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const cur = await this.get(tenantId, id);
      if (!cur) return undefined;
      try {
        return await this.put(change(structuredClone(cur)), cur.version);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new ConflictError('The flow is being changed too often; try again.');
  }

  /** Schedule flows whose next run time has passed, across the due shards. */
  async due(nowIso: string, limit = 100): Promise<FlowItem[]> {
    const found: FlowItem[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      for await (const page of this.db.query({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :now',
        ExpressionAttributeValues: { ':pk': `FLOWDUE#${shard}`, ':now': `${nowIso}#~` },
        Limit: limit,
      })) {
        found.push(...(page.Items ?? []).map((x) => strip<FlowItem>(x)!));
        if (found.length >= limit * (shard + 1)) break;
      }
    }
    return found;
  }

  /** Moves a due flow's next run time unless someone moved it first: two overlapping ticks never run it twice. */
  async claim(f: FlowItem, nextRunAt: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: flowKeys.flow(f.tenantId, f.id),
          UpdateExpression: 'SET nextRunAt = :next, GSI1SK = :sk',
          ConditionExpression: 'nextRunAt = :cur AND #s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':next': nextRunAt, ':sk': flowKeys.due(0, nextRunAt, f.id).GSI1SK, ':cur': f.nextRunAt, ':active': 'active' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** The flow, its runs and its ledger. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: flowKeys.flow(tenantId, id) }));
    for (const pk of [`FLOW#${id}`, flowKeys.ledgerPk(id)]) await deletePartition(this.db, pk);
  }
}

const RUN_TTL_DAYS = 90;

export class FlowRunStore {
  constructor(private readonly db: Db) {}

  async create(run: FlowRun): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + RUN_TTL_DAYS * 86400;
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...flowKeys.run(run.flowId, run.id), ...run, expiresAt }, ConditionExpression: 'attribute_not_exists(PK)' }));
  }

  async get(flowId: string, runId: string): Promise<FlowRun | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: flowKeys.run(flowId, runId), ConsistentRead: true }));
    return strip<FlowRun>(out.Item);
  }

  async save(run: FlowRun): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...flowKeys.run(run.flowId, run.id), ...run } }));
  }

  /** Newest first. */
  async list(flowId: string, limit: number, cursor?: string): Promise<Page<FlowRun>> {
    const page = await newestFirst(this.db, `FLOW#${flowId}`, 'RUN#', limit, cursor);
    return { items: page.items.map((x) => strip<FlowRun>(x)!), nextCursor: page.nextCursor };
  }
}

/** The delivery ledger: one entry per source record per flow. */
export class LedgerStore {
  constructor(private readonly db: Db) {}

  async getMany(flowId: string, sourceIds: string[]): Promise<Map<string, LedgerEntry>> {
    const items = await this.db.batchGet([...new Set(sourceIds)].map((id) => flowKeys.ledger(flowId, id)));
    return new Map(items.map((i) => [i.sourceId as string, strip<LedgerEntry>(i)!]));
  }

  /**
   * Writes an entry only if nobody wrote it since `prev` was read (conditional on its `updatedAt`), so a slow
   * worker never overwrites a newer delivery with an older answer. False when another writer won.
   */
  async put(flowId: string, entry: LedgerEntry, prev: LedgerEntry | undefined): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...flowKeys.ledger(flowId, entry.sourceId), ...entry },
          ...(prev
            ? { ConditionExpression: 'updatedAt = :prev', ExpressionAttributeValues: { ':prev': prev.updatedAt } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        }),
      );
      this.db.writes++;
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /**
   * A page's entries at once (BatchWriteItem, 25 a request) instead of a conditional put each: a flow run of
   * 10,000 records spent most of its time on 10,000 single writes. A batch cannot be conditional, so the entries
   * are read again just before it (one BatchGet of their `updatedAt`) and one somebody wrote since `prev` was read
   * is left to that writer, as `put`'s condition would; what remains is the milliseconds between that read and the
   * batch. Returns the source ids left to a concurrent writer.
   */
  async putMany(flowId: string, writes: { entry: LedgerEntry; prev?: LedgerEntry }[]): Promise<string[]> {
    const last = new Map(writes.map((w) => [w.entry.sourceId, w]));
    if (!last.size) return [];
    const now = await this.db.batchGet([...last.keys()].map((id) => flowKeys.ledger(flowId, id)), ['sourceId', 'updatedAt']);
    const current = new Map(now.map((i) => [i.sourceId as string, i.updatedAt as string]));
    const lost = [...last.values()].filter((w) => current.get(w.entry.sourceId) !== w.prev?.updatedAt).map((w) => w.entry.sourceId);
    for (const id of lost) last.delete(id);
    await this.db.batchWrite([...last.values()].map((w) => ({ ...flowKeys.ledger(flowId, w.entry.sourceId), ...w.entry })));
    return lost;
  }

  async list(flowId: string, opts: { limit: number; cursor?: string; sourceId?: string; status?: LedgerStatus }): Promise<Page<LedgerEntry>> {
    const pk = flowKeys.ledgerPk(flowId);
    const values: Record<string, unknown> = { ':pk': pk };
    if (opts.sourceId) values[':sid'] = opts.sourceId;
    if (opts.status) values[':st'] = opts.status;
    // A status filter applies after DynamoDB's Limit: keep reading until the page is full or the ledger ends.
    const items: LedgerEntry[] = [];
    let start = decodeCursor(opts.cursor, pk);
    do {
      const out = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.table,
          KeyConditionExpression: opts.sourceId ? 'PK = :pk AND SK = :sid' : 'PK = :pk',
          FilterExpression: opts.status ? '#s = :st' : undefined,
          ExpressionAttributeNames: opts.status ? { '#s': 'status' } : undefined,
          ExpressionAttributeValues: values,
          Limit: opts.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map((x) => strip<LedgerEntry>(x)!));
      start = out.LastEvaluatedKey;
    } while (start && items.length < opts.limit);
    return { items, nextCursor: encodeCursor(start) };
  }

  /** Every failed source id, and every one with an action step to try again (for a retry run), in id order after `after`. */
  async *failedIds(flowId: string, after?: string): AsyncIterable<string[]> {
    for await (const page of this.db.query({
      ...(after ? { ExclusiveStartKey: flowKeys.ledger(flowId, after) } : {}),
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: '#s = :f OR actionRetry = :t',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':pk': flowKeys.ledgerPk(flowId), ':f': 'failed', ':t': true },
      ProjectionExpression: 'sourceId',
    }))
      yield (page.Items ?? []).map((i) => i.sourceId as string);
  }
}

/** A realtime flow's subscription to its source (integration, data type): what the change dispatcher queries. */
export const subscriptionKey = (integrationId: string, dataType: string, flowId: string) => ({ PK: `SUB#${integrationId}#${dataType}`, SK: flowId });

/** Keeps a flow's subscription in step with it: present while it is a realtime flow (the dispatcher checks it is active). */
export async function syncSubscription(db: Db, prev: FlowItem | undefined, next: FlowItem | undefined): Promise<void> {
  const sub = (f: FlowItem) => subscriptionKey(f.source.integrationId, f.source.dataType, f.id);
  if (next?.trigger === 'realtime') await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...sub(next), tenantId: next.tenantId } }));
  if (prev?.trigger === 'realtime' && (next?.trigger !== 'realtime' || sub(prev).PK !== sub(next).PK))
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: sub(prev) }));
}
