import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../store/dynamo';
import { isConditionalCheckFailed } from '../errors';
import type { Db, Item } from '../store/db';
import { newestFirst } from '../store/paging';

/**
 * Stored reports, in their flow's partition (deleted with it): `FLOW#<flowId>` / `REPORT#<id>`, the id a ULID
 * (a run report's is its run's id, so a run is reported once). Flows whose settings mail reports are listed
 * under `REPORTDAILY` / `<tenantId>#<flowId>` with the last day their daily report covered.
 */
export interface MailOutcome {
  status: 'pending' | 'sent' | 'not_sent' | 'failed';
  /** Why not sent: no_email_settings, no_email (the run's noEmail), no_recipients, empty (send_empty_reports off), or the error. */
  reason?: string;
  recipients: number;
  via?: 'smtp' | 'sendgrid';
  messageId?: string;
  charts?: number;
}

export interface StoredReport {
  id: string;
  flowId: string;
  tenantId: string;
  kind: 'run' | 'daily';
  /** The run (run reports) or the day, yyyy-mm-dd (daily reports). */
  subject: string;
  title: string;
  createdAt: string;
  hasErrors: boolean;
  empty: boolean;
  totals: { runs: number; processed: number; succeeded: number; failed: number; calls?: number; leadsCreated?: number; leadsUpdated?: number };
  mail: MailOutcome;
  html: string;
}

const REPORT_TTL_DAYS = 90;
const DAILY_PK = 'REPORTDAILY';
const key = (flowId: string, id: string) => ({ PK: `FLOW#${flowId}`, SK: `REPORT#${id}` });
const strip = ({ PK, SK, expiresAt, ...r }: Item) => (void PK, void SK, void expiresAt, r as unknown as StoredReport);

export class ReportStore {
  constructor(private readonly db: Db) {}

  /** False when the report already exists (its run was reported before). */
  async create(r: StoredReport): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(r.createdAt) / 1000) + REPORT_TTL_DAYS * 86400;
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...key(r.flowId, r.id), ...r, expiresAt }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async setMail(flowId: string, id: string, mail: MailOutcome): Promise<void> {
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.table, Key: key(flowId, id), UpdateExpression: 'SET mail = :m', ExpressionAttributeValues: { ':m': mail } }));
  }

  async get(flowId: string, id: string): Promise<StoredReport | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: key(flowId, id) }));
    return out.Item && strip(out.Item);
  }

  /** Newest first, without the HTML. */
  async list(flowId: string, limit: number, cursor?: string): Promise<{ items: Omit<StoredReport, 'html'>[]; nextCursor: string | null }> {
    const page = await newestFirst(this.db, `FLOW#${flowId}`, 'REPORT#', limit, cursor);
    return { items: page.items.map((x) => (({ html, ...r }) => (void html, r))(strip(x))), nextCursor: page.nextCursor };
  }

  /** Lists the flow for daily reports (idempotent): the first one covers the day after `lastDay`. */
  async registerDaily(tenantId: string, flowId: string, lastDay: string): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({ TableName: this.db.table, Item: { PK: DAILY_PK, SK: `${tenantId}#${flowId}`, tenantId, flowId, lastDay }, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  async dailyFlows(): Promise<{ tenantId: string; flowId: string; lastDay: string }[]> {
    const out: { tenantId: string; flowId: string; lastDay: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.doc.send(new QueryCommand({ TableName: this.db.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': DAILY_PK }, ExclusiveStartKey: start }));
      for (const i of page.Items ?? []) out.push({ tenantId: i.tenantId, flowId: i.flowId, lastDay: i.lastDay });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Claims `day` for the flow's daily report: true for exactly one caller however many ticks overlap. */
  async claimDay(tenantId: string, flowId: string, day: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: { PK: DAILY_PK, SK: `${tenantId}#${flowId}` },
          UpdateExpression: 'SET lastDay = :d',
          ConditionExpression: 'attribute_exists(PK) AND lastDay < :d',
          ExpressionAttributeValues: { ':d': day },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async unregisterDaily(tenantId: string, flowId: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: { PK: DAILY_PK, SK: `${tenantId}#${flowId}` } }));
  }
}
