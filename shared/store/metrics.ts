import { QueryCommand, UpdateCommand } from './dynamo';
import type { Db } from './db';
import { keys } from './keys';

export const METRIC_NAMES = ['runs', 'runsSucceeded', 'runsFailed', 'recordsProcessed', 'recordsCreated', 'recordsUpdated', 'recordsDeleted', 'recordsFailed', 'requests', 'webhooks', 'durationMs'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type Counters = Partial<Record<MetricName, number>>;

/** Daily counters per integration, incremented with ADD so concurrent writers never lose a count. */
export class MetricStore {
  constructor(private readonly db: Db) {}

  async add(integrationId: string, counters: Counters, at = new Date()): Promise<void> {
    const entries = Object.entries(counters).filter(([, v]) => v);
    if (!entries.length) return;
    const day = at.toISOString().slice(0, 10);
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.table,
        Key: keys.metric(integrationId, day),
        UpdateExpression: `SET #d = :d ADD ${entries.map((_, i) => `#n${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: { '#d': 'date', ...Object.fromEntries(entries.map(([k], i) => [`#n${i}`, k])) },
        ExpressionAttributeValues: { ':d': day, ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])) },
      }),
    );
  }

  async range(integrationId: string, startDate: string, endDate: string): Promise<Array<{ date: string } & Counters>> {
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': keys.owned(integrationId), ':a': `METRIC#${startDate}`, ':b': `METRIC#${endDate}` },
      }),
    );
    return (out.Items ?? []).map((i) => {
      const row: { date: string } & Counters = { date: i.date as string };
      for (const m of METRIC_NAMES) row[m] = (i[m] as number) ?? 0;
      return row;
    });
  }
}
