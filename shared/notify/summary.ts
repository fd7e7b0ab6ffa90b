import type { App } from '../services/app';
import type { DailySummary, DailySummaryIntegration } from './events';
import { notify } from './service';
import { NotificationStore } from './store';

/** The UTC day before `now`, yyyy-mm-dd. */
export function previousDay(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

/** Seed 002's daily summary for one tenant: per integration, runs, failures and records changed on `date`, from the daily metrics. */
export async function dailySummary(app: App, tenantId: string, date: string): Promise<DailySummary> {
  const integrations: DailySummaryIntegration[] = [];
  let cursor: string | undefined;
  do {
    const page = await app.integrations.list(tenantId, 100, cursor);
    for (const i of page.items) {
      const rows = await app.metrics.range(i.id, date, date);
      const sum = (k: 'runs' | 'runsFailed' | 'recordsCreated' | 'recordsUpdated' | 'recordsDeleted') => rows.reduce((s, r) => s + (r[k] ?? 0), 0);
      integrations.push({
        integrationId: i.id,
        name: i.name,
        type: i.type,
        runs: sum('runs'),
        failures: sum('runsFailed'),
        recordsChanged: sum('recordsCreated') + sum('recordsUpdated') + sum('recordsDeleted'),
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { date, integrations };
}

/**
 * Queues the daily summary of `date` (default: yesterday, UTC) to every tenant with a channel subscribed to
 * `daily.summary`. The scheduled function calls this once a day; the local stack can call it on demand.
 * @example await sendDailySummaries(stack.app) // from a local scheduler or the CLI
 */
export async function sendDailySummaries(app: App, date = previousDay()): Promise<{ tenants: number; queued: number }> {
  const tenants = await new NotificationStore(app.db).dailySubscribers();
  let queued = 0;
  for (const tenantId of tenants) queued += await notify(app, tenantId, 'daily.summary', await dailySummary(app, tenantId, date));
  return { tenants: tenants.length, queued };
}
