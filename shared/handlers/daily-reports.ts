import { FlowStore } from '../flows/store';
import { createLogger } from '../log';
import { FLOWS_QUEUE } from '../queue/types';
import { dayBefore, localDay, zoneOf } from '../reports/days';
import { ReportStore } from '../reports/store';
import type { App } from '../services/app';

const log = createLogger({ component: 'daily-reports' });

/** The hour, in the flow's zone, from which yesterday's daily report goes out. */
export const DAILY_REPORT_HOUR = 7;

/**
 * The hourly tick of daily reports: each flow that mails reports, once its zone has reached DAILY_REPORT_HOUR,
 * has the report of its previous local day queued to the flow worker (which holds the mail connectors and may
 * open their secrets). The day is claimed with a conditional write first, so overlapping ticks queue it once;
 * a missed tick is caught up by the next one.
 */
export async function queueDueDailyReports(app: App, now = new Date()): Promise<{ queued: number }> {
  const reports = new ReportStore(app.db);
  const flows = new FlowStore(app.db);
  let queued = 0;
  for (const e of await reports.dailyFlows()) {
    try {
      const flow = await flows.get(e.tenantId, e.flowId);
      if (!flow?.settings?.email && !flow?.email) {
        await reports.unregisterDaily(e.tenantId, e.flowId);
        continue;
      }
      const zone = zoneOf(flow!);
      const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone }).format(now));
      const day = dayBefore(localDay(now.getTime(), zone));
      if (hour < DAILY_REPORT_HOUR || e.lastDay >= day || !(await reports.claimDay(e.tenantId, e.flowId, day))) continue;
      await app.queue.send(FLOWS_QUEUE, [{ kind: 'daily-report', tenantId: e.tenantId, flowId: e.flowId, day }]);
      queued++;
    } catch (err) {
      log.error('daily report not queued', { flowId: e.flowId, error: err as Error });
    }
  }
  return { queued };
}
