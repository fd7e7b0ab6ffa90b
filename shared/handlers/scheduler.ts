import { scheduleDueFlows } from '../flows/schedule';
import { createLogger } from '../log';
import type { QueueMessage } from '../queue/types';
import type { App } from '../services/app';
import { newRun, type Run } from '../store/runs';

const log = createLogger({ service: 'scheduler' });

/** Claims in flight at once: each is a conditional UpdateItem; the runs are then written 25 a request. */
const CLAIMS_IN_FLIGHT = 16;

/**
 * One scheduler tick: claims every due integration (a conditional move of its next sync time, so two
 * overlapping ticks never enqueue one twice), creates its run and sends the requests to each connector's
 * queue in batches; then the same for due `schedule` flows. Claims run 16 at a time and the queues are fed
 * at once, so 10,000 due integrations fit well inside the minute (bench `scale`).
 */
export async function scheduleDue(app: App, now = new Date()): Promise<{ claimed: number; enqueued: number }> {
  const due = await app.integrations.due(now.toISOString());
  const byType = new Map<string, QueueMessage[]>();
  const runs: Run[] = [];
  let next = 0;
  const claimer = async () => {
    while (next < due.length) {
      const i = due[next++];
      const at = new Date(now.getTime() + i.syncInterval * 60_000).toISOString();
      if (!(await app.integrations.claim(i, at))) continue;
      const run = newRun(i, { mode: 'incremental', dryRun: false }, 'schedule');
      runs.push(run);
      const list = byType.get(i.type) ?? [];
      list.push({ kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 });
      byType.set(i.type, list);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CLAIMS_IN_FLIGHT, due.length) }, claimer));
  await app.runs.createMany(runs);
  let claimed = runs.length;
  await Promise.all([...byType].map(([type, messages]) => app.queue.send(type, messages)));
  let enqueued = [...byType.values()].reduce((n, m) => n + m.length, 0);
  const flows = await scheduleDueFlows(app, now);
  claimed += flows.claimed;
  enqueued += flows.enqueued;
  if (claimed) log.info('scheduled', { claimed, enqueued });
  return { claimed, enqueued };
}
