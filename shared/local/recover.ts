import type { Envelope } from '../queue/journal';
import { QueueMessageSchema } from '../queue/types';
import type { App } from '../services/app';

/**
 * A run whose worker died still holds its streams' leases until they lapse, and until then each redelivery of
 * its message answers 'busy' and spends a receive on the way to the dead-letter list. The stack restarting was
 * the only consumer of its queues, so nothing alive holds the leases of a run it redelivers: releasing them
 * lets the run resume from its checkpoints at once.
 */
export async function releaseDeadLeases(app: App, redelivered: Envelope[]): Promise<void> {
  for (const m of redelivered) {
    const parsed = QueueMessageSchema.safeParse(JSON.parse(m.body));
    if (!parsed.success || parsed.data.kind !== 'sync') continue;
    const { integrationId, runId } = parsed.data;
    for (const s of await app.state.list(integrationId))
      if (s.lease?.runId === runId) await app.state.release(integrationId, s.stream, s.lease.holder);
  }
}
