import { scheduleDueFlows } from '../flows/schedule';
import { createLogger } from '../log';
import type { QueueMessage } from '../queue/types';
import type { App } from '../services/app';
import { newRun } from '../services/integrations';

const log = createLogger({ service: 'scheduler' });

/**
 * One scheduler tick: claims every due integration (a conditional move of its next sync time, so two
 * overlapping ticks never enqueue one twice), creates its run and sends the requests to each connector's
 * queue in batches; then the same for due `schedule` flows.
 */
export async function scheduleDue(app: App, now = new Date()): Promise<{ claimed: number; enqueued: number }> {
  const due = await app.integrations.due(now.toISOString());
  const byType = new Map<string, QueueMessage[]>();
  let claimed = 0;
  for (const i of due) {
    const next = new Date(now.getTime() + i.syncInterval * 60_000).toISOString();
    if (!(await app.integrations.claim(i, next))) continue;
    claimed++;
    const run = newRun(i, { mode: 'incremental', dryRun: false }, 'schedule');
    await app.runs.create(run);
    const list = byType.get(i.type) ?? [];
    list.push({ kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 });
    byType.set(i.type, list);
  }
  let enqueued = 0;
  for (const [type, messages] of byType) {
    await app.queue.send(type, messages);
    enqueued += messages.length;
  }
  const flows = await scheduleDueFlows(app, now);
  claimed += flows.claimed;
  enqueued += flows.enqueued;
  if (claimed) log.info('scheduled', { claimed, enqueued });
  return { claimed, enqueued };
}
