import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from './dynamo';
import { ulid } from 'ulid';
import * as z from 'zod';
import { isConditionalCheckFailed } from '../errors';
import type { Db } from './db';
import { keys } from './keys';
import { decodeCursor, encodeCursor } from './paging';

/**
 * The webhook items of the one table:
 * - `WEBHOOK#<integrationId>` / `WEBHOOK`: pointer → {tenantId, type}; the webhook URL carries no tenant.
 * - `WEBHOOK#<integrationId>` / `REJECTED#<minute>`: rejection counter (TTL), for `webhook.rejected_burst`.
 * - `WEBHOOKCFG#<integrationId>` / `WEBHOOKCFG`: the sealed secret and verification settings.
 * - `EVENT#<integrationId>` / `<eventKey>`: the accepted event, written with attribute_not_exists (dedupe), TTL 7 days.
 * - `EVENTLOG#<integrationId>` / `<receivedAt>#<ulid>`: the per-integration event log, newest first.
 */
export const WEBHOOK_PROVIDERS = ['hubspot', 'twilio', 'cdk', 'generic'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Which connector type each provider's route serves. */
export const PROVIDER_TYPE: Record<WebhookProvider, string> = { hubspot: 'hubspot', twilio: 'twilio', cdk: 'cdk', generic: 'custom_api' };

export const EVENT_TTL_S = 7 * 86400;
export const LOG_TTL_S = 30 * 86400;

export const webhookKeys = {
  pointer: (integrationId: string) => ({ PK: `WEBHOOK#${integrationId}`, SK: 'WEBHOOK' }),
  rejected: (integrationId: string, minute: string) => ({ PK: `WEBHOOK#${integrationId}`, SK: `REJECTED#${minute}` }),
  config: (integrationId: string) => ({ PK: `WEBHOOKCFG#${integrationId}`, SK: 'WEBHOOKCFG' }),
  event: keys.event,
  logPk: (integrationId: string) => `EVENTLOG#${integrationId}`,
};

/** Stored verification settings; `secret` is sealed under {tenantId, integrationId}. */
export const WebhookConfigSchema = z.lazy(() =>
  z.object({
    secret: z.string().optional(),
    publicUrl: z.string().optional(),
    allowLegacySignatures: z.boolean().default(false),
    signatureHeader: z.string().optional(),
    timestampHeader: z.string().optional(),
    idHeader: z.string().optional(),
    dataType: z.string().optional(),
    idPath: z.string().optional(),
    updatedAt: z.string(),
  }),
);
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export type EventOutcome = 'pending' | 'applied' | 'duplicate' | 'failed';

export interface EventLogEntry {
  eventKey: string;
  provider: WebhookProvider;
  providerEventId?: string;
  outcome: EventOutcome;
  reason?: string;
  attempts?: number;
  receivedAt: string;
  updatedAt: string;
}

export interface StoredEvent {
  integrationId: string;
  tenantId: string;
  provider: WebhookProvider;
  eventKey: string;
  providerEventId?: string;
  receivedAt: string;
  /** The SK of this event's log entry, so the applier can set its outcome. */
  logSk: string;
  /** Provider-specific parsed payload (see service.ts). */
  event: Record<string, unknown>;
  enqueued?: boolean;
  applied?: boolean;
  attempts?: number;
}

const epoch = (s: number) => Math.floor(Date.now() / 1000) + s;
const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { PK, SK, expiresAt, ...rest } = item;
  void PK, SK, expiresAt;
  return rest as T;
};

export class WebhookStore {
  constructor(private readonly db: Db) {}

  private get table() {
    return this.db.table;
  }

  async putPointer(integrationId: string, tenantId: string, type: string): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.table, Item: { ...webhookKeys.pointer(integrationId), tenantId, type } }));
  }

  async pointer(integrationId: string): Promise<{ tenantId: string; type: string } | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: webhookKeys.pointer(integrationId) }));
    return out.Item ? { tenantId: out.Item.tenantId as string, type: out.Item.type as string } : undefined;
  }

  async putConfig(integrationId: string, cfg: WebhookConfig): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.table, Item: { ...webhookKeys.config(integrationId), ...cfg } }));
  }

  async config(integrationId: string): Promise<WebhookConfig | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: webhookKeys.config(integrationId), ConsistentRead: true }));
    const item = strip<Record<string, unknown>>(out.Item);
    return item ? WebhookConfigSchema.parse(item) : undefined;
  }

  /** Counts one rejected request in the current minute; answers the count so far. */
  async countRejection(integrationId: string, at = new Date()): Promise<number> {
    const minute = at.toISOString().slice(0, 16);
    const out = await this.db.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: webhookKeys.rejected(integrationId, minute),
        UpdateExpression: 'ADD n :one SET expiresAt = :exp',
        ExpressionAttributeValues: { ':one': 1, ':exp': epoch(3600) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n ?? 0);
  }

  /** Stores an accepted event once: false when its key was already stored (a redelivery). */
  async putEventOnce(e: StoredEvent): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...webhookKeys.event(e.integrationId, e.eventKey), ...e, expiresAt: epoch(EVENT_TTL_S) },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async event(integrationId: string, eventKey: string): Promise<StoredEvent | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: webhookKeys.event(integrationId, eventKey), ConsistentRead: true }));
    return strip<StoredEvent>(out.Item);
  }

  /** Marks a stored event enqueued (its 202 may go out) or applied (a redelivered message must not apply it again). */
  async mark(integrationId: string, eventKey: string, flag: 'enqueued' | 'applied'): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: webhookKeys.event(integrationId, eventKey),
        UpdateExpression: `SET ${flag} = :t`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':t': true },
      }),
    ).catch((err) => {
      if (!isConditionalCheckFailed(err)) throw err;
    });
  }

  /** Counts one apply attempt (our own receive count: the worker hook is not handed SQS's). */
  async countAttempt(integrationId: string, eventKey: string): Promise<number> {
    const out = await this.db.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: webhookKeys.event(integrationId, eventKey),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  }

  newLogSk(receivedAt: string): string {
    return `${receivedAt}#${ulid()}`;
  }

  async appendLog(integrationId: string, sk: string, entry: EventLogEntry): Promise<void> {
    await this.db.doc.send(
      new PutCommand({ TableName: this.table, Item: { PK: webhookKeys.logPk(integrationId), SK: sk, ...entry, expiresAt: epoch(LOG_TTL_S) } }),
    );
  }

  async setOutcome(integrationId: string, sk: string, patch: { outcome: EventOutcome; reason?: string; attempts?: number }): Promise<void> {
    const values: Record<string, unknown> = { ':o': patch.outcome, ':u': new Date().toISOString() };
    let expr = 'SET outcome = :o, updatedAt = :u';
    if (patch.reason !== undefined) {
      expr += ', reason = :r';
      values[':r'] = patch.reason;
    }
    if (patch.attempts !== undefined) {
      expr += ', attempts = :a';
      values[':a'] = patch.attempts;
    }
    const remove = patch.reason === undefined ? ' REMOVE reason' : '';
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: webhookKeys.logPk(integrationId), SK: sk },
        UpdateExpression: expr + remove,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** The event log, newest first. */
  async log(integrationId: string, limit: number, cursor?: string): Promise<{ items: EventLogEntry[]; nextCursor: string | null }> {
    const pk = webhookKeys.logPk(integrationId);
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, pk),
      }),
    );
    return { items: (out.Items ?? []).map((i) => strip<EventLogEntry>(i)!), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }
}
