import { PutCommand } from './dynamo';
import type { Db } from './db';
import { newestFirst } from './paging';

/** One finished run in the tenant's activity feed: what the dashboard's overview lists, newest first. */
export interface ActivityEntry {
  kind: 'sync' | 'flow';
  runId: string;
  /** The integration synced, or the flow run. */
  integrationId?: string;
  flowId?: string;
  name?: string;
  trigger: string;
  status: string;
  dryRun: boolean;
  startedAt: string | null;
  finishedAt: string;
  processed: number;
  created: number;
  updated: number;
  failed: number;
  error: string | null;
}

const ACTIVITY_TTL_DAYS = 30;
const pk = (tenantId: string) => `ACTIVITY#${tenantId}`;

/**
 * The tenant-wide feed of finished runs (`ACTIVITY#<tenantId>` / `AT#<finishedAt>#<runId>`), one small item a run
 * written when it closes: one Query answers "what happened lately" instead of a read per integration and flow,
 * and costs a write unit a run where a GSI over run items would copy every progress save.
 */
export class ActivityStore {
  constructor(private readonly db: Db) {}

  async record(tenantId: string, entry: ActivityEntry): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + ACTIVITY_TTL_DAYS * 86400;
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { PK: pk(tenantId), SK: `AT#${entry.finishedAt}#${entry.runId}`, ...entry, expiresAt } }));
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<{ items: ActivityEntry[]; nextCursor: string | null }> {
    const page = await newestFirst(this.db, pk(tenantId), 'AT#', limit, cursor);
    return { items: page.items.map(({ PK, SK, expiresAt, ...e }) => (void PK, void SK, void expiresAt, e as unknown as ActivityEntry)), nextCursor: page.nextCursor };
  }
}
