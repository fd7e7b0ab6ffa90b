import { localDay, zoneOf } from '../reports/days';
import { reportDay, type ReportOptions } from '../reports/service';
import type { App } from '../services/app';
import { FlowRunStore, FlowStore, type FlowRun } from './store';

/**
 * A flow's daily report of `day` (its zone's day): the finished runs that started that day, added up, stored and
 * mailed (reports/service.ts). The report's id is the day's, so a redelivered message does not send it twice.
 */
export async function sendDailyReport(app: App, msg: { tenantId: string; flowId: string; day: string }, opts: ReportOptions = {}): Promise<void> {
  const flow = await new FlowStore(app.db).get(msg.tenantId, msg.flowId);
  if (!flow) return;
  await reportDay(app, flow, await runsOfDay(new FlowRunStore(app.db), flow.id, msg.day, zoneOf(flow)), msg.day, opts);
}

/** Run ids are ULIDs: the list is newest first, so paging stops at the first run of an earlier day. */
async function runsOfDay(runs: FlowRunStore, flowId: string, day: string, zone: string): Promise<FlowRun[]> {
  const out: FlowRun[] = [];
  let cursor: string | undefined;
  do {
    const page = await runs.list(flowId, 100, cursor);
    for (const r of page.items) {
      const d = localDay(Date.parse(r.createdAt), zone);
      if (d < day) return out;
      if (d === day && r.finishedAt) out.push(r);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
