import { GetCommand, QueryCommand, UpdateCommand } from './dynamo';
import { AppError, isConditionalCheckFailed } from '../errors';
import type { Db } from './db';
import { keys } from './keys';

export interface StreamState {
  stream: string;
  /** The connector's opaque cursor. */
  cursor?: unknown;
  /** The run that wrote the cursor, and whether that run was still reading the stream. */
  runId?: string;
  inProgress?: boolean;
  /** The mode of the run that wrote the cursor: another run of the same mode may resume an interrupted read. */
  mode?: 'full' | 'incremental';
  lease?: { holder: string; runId: string; expiresAt: number };
  updatedAt?: string;
}

export class LeaseLostError extends AppError {
  constructor(stream: string) {
    super('lease_lost', `lease on stream ${stream} was lost to another worker`, 409);
  }
}

/**
 * Per-stream cursor and lease. The lease (holder = one worker invocation, with an expiry) keeps one reader
 * per integration stream; every cursor write is fenced on holding it, so a worker whose lease lapsed can
 * never move a cursor that a newer worker owns.
 */
export class StateStore {
  constructor(private readonly db: Db) {}

  async get(integrationId: string, stream: string): Promise<StreamState | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.state(integrationId, stream), ConsistentRead: true }));
    return out.Item as StreamState | undefined;
  }

  async list(integrationId: string): Promise<StreamState[]> {
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': keys.owned(integrationId), ':sk': 'STATE#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []) as StreamState[];
  }

  /** Takes the lease when it is free, expired, or already ours. Returns the state, or undefined when held. */
  async acquire(integrationId: string, stream: string, holder: string, runId: string, ttlMs: number, now = Date.now()): Promise<StreamState | undefined> {
    try {
      const out = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.state(integrationId, stream),
          UpdateExpression: 'SET lease = :lease, #stream = :stream',
          ConditionExpression: 'attribute_not_exists(lease) OR lease.expiresAt < :now OR lease.holder = :holder',
          ExpressionAttributeNames: { '#stream': 'stream' },
          ExpressionAttributeValues: { ':lease': { holder, runId, expiresAt: now + ttlMs }, ':now': now, ':holder': holder, ':stream': stream },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as StreamState;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /** Stores the cursor after a durable page and extends the lease; throws LeaseLostError if it is not ours. */
  async checkpoint(
    integrationId: string,
    stream: string,
    holder: string,
    s: { cursor: unknown; runId: string; inProgress: boolean; mode: 'full' | 'incremental' },
    ttlMs: number,
  ): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.state(integrationId, stream),
          UpdateExpression: 'SET #c = :c, runId = :r, inProgress = :p, #m = :m, updatedAt = :u, lease.expiresAt = :e',
          ConditionExpression: 'lease.holder = :h',
          ExpressionAttributeNames: { '#c': 'cursor', '#m': 'mode' },
          ExpressionAttributeValues: { ':c': s.cursor ?? null, ':r': s.runId, ':p': s.inProgress, ':m': s.mode, ':u': new Date().toISOString(), ':e': Date.now() + ttlMs, ':h': holder },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new LeaseLostError(stream);
      throw err;
    }
  }

  /** Extends the lease while its holder reads (the heartbeat); false when it is no longer ours. */
  async renew(integrationId: string, stream: string, holder: string, ttlMs: number): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.state(integrationId, stream),
          UpdateExpression: 'SET lease.expiresAt = :e',
          ConditionExpression: 'lease.holder = :h',
          ExpressionAttributeValues: { ':e': Date.now() + ttlMs, ':h': holder },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async release(integrationId: string, stream: string, holder: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.state(integrationId, stream),
          UpdateExpression: 'REMOVE lease',
          ConditionExpression: 'lease.holder = :h',
          ExpressionAttributeValues: { ':h': holder },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
