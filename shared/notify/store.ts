import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../store/dynamo';
import { isConditionalCheckFailed } from '../errors';
import type { Db } from '../store/db';
import type { DeliveryAttempt } from './deliver';
import type { ChannelKind, NotificationEvent } from './events';

/**
 * Notification items of the one table:
 * - `TENANT#<tenantId>` / `NOTIFYCH#<channelId>`: a channel; its URL (Slack: a credential) and signing secret sealed.
 * - `NOTIFYLOG#<tenantId>` / `<at>#<deliveryId>`: the delivery log (TTL 30 days), newest first.
 * - `NOTIFYSUB#daily.summary` / `<tenantId>#<channelId>`: who wants the daily summary, so the scheduled
 *   function finds those tenants without a scan.
 */
export interface StoredChannel {
  id: string;
  tenantId: string;
  kind: ChannelKind;
  events: NotificationEvent[];
  name?: string;
  /** When `daily.summary` is sent: this hour in this zone (defaults in notify/summary.ts). */
  summaryHour?: number;
  timeZone?: string;
  /** Sealed for Slack (the URL is the credential), plain for webhooks. */
  url: string;
  /** The URL fit for display and logs (safeLogUrl). */
  displayUrl: string;
  /** Sealed signing secret (webhook channels). */
  secret?: string;
  createdAt: string;
  /** The receiver said for good that it is gone (Slack `channel_is_archived`): nothing is sent until it is replaced. */
  broken?: { reason: string; at: string };
}

export interface DeliveryRecord {
  deliveryId: string;
  channelId: string;
  kind: ChannelKind;
  event: NotificationEvent;
  url: string;
  outcome: 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  at: string;
  /** This delivery found the channel gone and marked it broken, with the receiver's reason. */
  channelBroken?: string;
}

const DAILY = 'NOTIFYSUB#daily.summary';
const chKey = (tenantId: string, id: string) => ({ PK: `TENANT#${tenantId}`, SK: `NOTIFYCH#${id}` });
const strip = <T>(item: Record<string, unknown>): T => {
  const { PK, SK, expiresAt, ...rest } = item;
  void PK, SK, expiresAt;
  return rest as T;
};

export class NotificationStore {
  constructor(private readonly db: Db) {}

  async putChannel(c: StoredChannel): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...chKey(c.tenantId, c.id), ...c }, ConditionExpression: 'attribute_not_exists(PK)' }));
    if (c.events.includes('daily.summary')) {
      await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { PK: DAILY, SK: `${c.tenantId}#${c.id}`, tenantId: c.tenantId } }));
    }
  }

  async channels(tenantId: string): Promise<StoredChannel[]> {
    const out: StoredChannel[] = [];
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':sk': 'NOTIFYCH#' },
    }))
      out.push(...(page.Items ?? []).map((i) => strip<StoredChannel>(i)));
    return out;
  }

  async channel(tenantId: string, id: string): Promise<StoredChannel | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: chKey(tenantId, id) }));
    return res.Item ? strip<StoredChannel>(res.Item) : undefined;
  }

  /** Marks a channel broken; a channel deleted meanwhile stays deleted. */
  async markBroken(tenantId: string, id: string, reason: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: chKey(tenantId, id),
          UpdateExpression: 'SET broken = :b',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':b': { reason, at: new Date().toISOString() } },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  /** False when there was no such channel. */
  async deleteChannel(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: chKey(tenantId, id), ConditionExpression: 'attribute_exists(PK)' }));
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: { PK: DAILY, SK: `${tenantId}#${id}` } }));
    return true;
  }

  /** Tenants with at least one channel subscribed to the daily summary. */
  async dailySubscribers(): Promise<string[]> {
    const tenants = new Set<string>();
    for await (const page of this.db.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': DAILY } }))
      for (const i of page.Items ?? []) tenants.add(i.tenantId as string);
    return [...tenants];
  }

  async logDelivery(tenantId: string, d: DeliveryRecord): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: { PK: `NOTIFYLOG#${tenantId}`, SK: `${d.at}#${d.deliveryId}#${d.channelId}`, ...d, expiresAt: Math.floor(Date.now() / 1000) + 30 * 86400 },
      }),
    );
  }

  async deliveries(tenantId: string, limit: number): Promise<DeliveryRecord[]> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `NOTIFYLOG#${tenantId}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((i) => strip<DeliveryRecord>(i));
  }
}
