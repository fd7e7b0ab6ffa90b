import type { App } from '../services/app';
import { requestRun } from './request';
import { FlowStore } from './store';

/**
 * The scheduler's part for flows: claims each due `schedule` flow (a conditional move of its next run time) and
 * queues its run, like integrations' syncs.
 */
export async function scheduleDueFlows(app: App, now = new Date()): Promise<{ claimed: number; enqueued: number }> {
  const flows = new FlowStore(app.db);
  let claimed = 0;
  for (const f of await flows.due(now.toISOString())) {
    const next = new Date(now.getTime() + (f.schedule ?? 60) * 60_000).toISOString();
    if (!(await flows.claim(f, next))) continue;
    claimed++;
    await requestRun(app, { ...f, nextRunAt: next }, 'schedule');
  }
  return { claimed, enqueued: claimed };
}
