import { ulid } from 'ulid';
import { GetCommand, PutCommand, UpdateCommand } from './dynamo';
import type { Db, Item } from './db';
import type { IntegrationItem } from './integrations';
import { keys } from './keys';
import { newestFirst } from './paging';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'skipped';
export type RunTrigger = 'manual' | 'schedule' | 'webhook' | 'cli' | 'import';

export interface StreamStats {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  deleted: number;
  pages: number;
  requests: number;
  retries: number;
  http429: number;
  rateLimitWaitMs: number;
  durationMs: number;
}

export const emptyStats = (): StreamStats => ({
  processed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  deleted: 0,
  pages: 0,
  requests: 0,
  retries: 0,
  http429: 0,
  rateLimitWaitMs: 0,
  durationMs: 0,
});

export function addStats(a: StreamStats, b: Partial<StreamStats>): StreamStats {
  const out = emptyStats();
  for (const k of Object.keys(out) as (keyof StreamStats)[]) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

export interface RunOptions {
  mode: 'full' | 'incremental';
  dataTypes?: string[];
  dryRun: boolean;
  maxRecords?: number;
  since?: string;
}

export interface Run extends RunOptions {
  id: string;
  integrationId: string;
  tenantId: string;
  trigger: RunTrigger;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Per data type. */
  streams: Record<string, StreamStats & { status?: 'running' | 'done' | 'failed' | 'skipped'; info?: Record<string, unknown> }>;
  stats: StreamStats;
  /** The first reasons records were rejected (at most 20), and the run's error if it failed. */
  errors: { dataType?: string; id?: string; reason: string }[];
  error: string | null;
  continuations: number;
  /** Set while a continuation is on the queue; a 'running' run found without it was interrupted. */
  handoff?: boolean;
  /** Why a successful full run did not mark unseen records deleted. */
  deletionsSkipped?: string;
  expiresAt?: number;
}

/** A queued run of the integration (the API, the scheduler, the CLI and imports alike). */
export function newRun(i: Pick<IntegrationItem, 'id' | 'tenantId'>, opts: RunOptions, trigger: RunTrigger): Run {
  return {
    id: ulid(),
    integrationId: i.id,
    tenantId: i.tenantId,
    trigger,
    mode: opts.mode,
    dataTypes: opts.dataTypes,
    dryRun: opts.dryRun,
    maxRecords: opts.maxRecords,
    since: opts.since,
    status: 'queued',
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    streams: {},
    stats: emptyStats(),
    errors: [],
    error: null,
    continuations: 0,
  };
}

const RUN_TTL_DAYS = 90;
const strip = (x: Item | undefined) => {
  if (!x) return undefined;
  const { PK, SK, ...rest } = x;
  void PK, SK;
  return rest as unknown as Run;
};

export class RunStore {
  constructor(private readonly db: Db) {}

  async create(run: Run): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + RUN_TTL_DAYS * 86400;
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.table, Item: { ...keys.run(run.integrationId, run.id), ...run, expiresAt }, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  }

  /** New runs in batches of 25 (a scheduler tick's): their ids are fresh ULIDs, so no condition is needed. */
  async createMany(runs: Run[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + RUN_TTL_DAYS * 86400;
    await this.db.batchWrite(runs.map((run) => ({ ...keys.run(run.integrationId, run.id), ...run, expiresAt })));
  }

  async get(integrationId: string, runId: string): Promise<Run | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.run(integrationId, runId), ConsistentRead: true }));
    return strip(out.Item);
  }

  /** Saves the run's progress (only the lease holder writes a run, so a plain put is safe). */
  async save(run: Run): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.run(run.integrationId, run.id), ...run } }));
  }

  /** Moves a queued run to running exactly once; false when another delivery already started it. */
  async markStatus(run: Run, from: RunStatus[], to: RunStatus): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.run(run.integrationId, run.id),
          UpdateExpression: 'SET #s = :to',
          ConditionExpression: `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':to': to, ...Object.fromEntries(from.map((f, i) => [`:f${i}`, f])) },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Newest first. */
  async list(integrationId: string, limit: number, cursor?: string): Promise<{ items: Run[]; nextCursor: string | null }> {
    const page = await newestFirst(this.db, keys.owned(integrationId), 'RUN#', limit, cursor);
    return { items: page.items.map((x) => strip(x)!), nextCursor: page.nextCursor };
  }
}
