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

/** The hour (UTC) the deployed cron sends the summary (resources/core.js `cron(0 7 * * ? *)`); the local stack keeps it too. */
export const DAILY_SUMMARY_HOUR_UTC = 7;

/** Milliseconds from `now` to the next DAILY_SUMMARY_HOUR_UTC:00 (tomorrow's when today's has passed). */
export function msToNextSummary(now = new Date()): number {
  const at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DAILY_SUMMARY_HOUR_UTC);
  return (at > now.getTime() ? at : at + 86_400_000) - now.getTime();
}

/** Queues one tenant's summary of `date` to its channels subscribed to `daily.summary`: the on-demand route and CLI. */
export async function sendTenantSummary(app: App, tenantId: string, date = previousDay()): Promise<{ summary: DailySummary; queued: number }> {
  const summary = await dailySummary(app, tenantId, date);
  return { summary, queued: await notify(app, tenantId, 'daily.summary', summary) };
}

/**
 * Queues the daily summary of `date` (default: yesterday, UTC) to every tenant with a channel subscribed to
 * `daily.summary`: the scheduled function and the local stack's timer, at DAILY_SUMMARY_HOUR_UTC.
 */
export async function sendDailySummaries(app: App, date = previousDay()): Promise<{ tenants: number; queued: number }> {
  const tenants = await new NotificationStore(app.db).dailySubscribers();
  let queued = 0;
  for (const tenantId of tenants) queued += (await sendTenantSummary(app, tenantId, date)).queued;
  return { tenants: tenants.length, queued };
}
