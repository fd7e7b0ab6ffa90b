import type { App } from '../services/app';
import type { DailySummary, DailySummaryIntegration } from './events';
import { notify } from './notify';
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

/** A channel that names no hour gets the summary at 07:00 in its zone (UTC unless it names one). */
export const DEFAULT_SUMMARY_HOUR = 7;

/** Milliseconds from `now` to the next full hour: the local stack ticks then, as the deployed hourly cron does. */
export function msToNextHour(now = new Date()): number {
  return 3_600_000 - (now.getTime() % 3_600_000);
}

/** The hour of the day and the calendar day before, at `now` in `timeZone`. */
function localClock(now: Date, timeZone: string): { hour: number; yesterday: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const day = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - 1);
  return { hour: Number(parts.hour), yesterday: new Date(day).toISOString().slice(0, 10) };
}

/** Queues one tenant's summary of `date` to its channels subscribed to `daily.summary`: the on-demand route and CLI. */
export async function sendTenantSummary(app: App, tenantId: string, date = previousDay()): Promise<{ summary: DailySummary; queued: number }> {
  const summary = await dailySummary(app, tenantId, date);
  return { summary, queued: await notify(app, tenantId, 'daily.summary', summary) };
}

/**
 * Queues the daily summary of `date` (default: yesterday, UTC) to every tenant with a channel subscribed to
 * `daily.summary`, whatever hour the channels chose: `npx switchboard notify summary` without a tenant.
 */
export async function sendDailySummaries(app: App, date = previousDay()): Promise<{ tenants: number; queued: number }> {
  const tenants = await new NotificationStore(app.db).dailySubscribers();
  let queued = 0;
  for (const tenantId of tenants) queued += (await sendTenantSummary(app, tenantId, date)).queued;
  return { tenants: tenants.length, queued };
}

/**
 * The hourly tick (deployed cron and local stack): each channel subscribed to `daily.summary` whose hour it is in
 * its own zone gets the summary of its yesterday. The day's figures are the UTC-day metrics of that date.
 */
export async function sendDueSummaries(app: App, now = new Date()): Promise<{ tenants: number; queued: number }> {
  const store = new NotificationStore(app.db);
  let tenants = 0;
  let queued = 0;
  for (const tenantId of await store.dailySubscribers()) {
    const due = new Map<string, Set<string>>();
    for (const c of await store.channels(tenantId)) {
      if (!c.events.includes('daily.summary') || c.broken) continue;
      const { hour, yesterday } = localClock(now, c.timeZone ?? 'UTC');
      if (hour === (c.summaryHour ?? DEFAULT_SUMMARY_HOUR)) (due.get(yesterday) ?? due.set(yesterday, new Set()).get(yesterday)!).add(c.id);
    }
    if (due.size) tenants++;
    for (const [date, ids] of due) queued += await notify(app, tenantId, 'daily.summary', await dailySummary(app, tenantId, date), ids);
  }
  return { tenants, queued };
}
