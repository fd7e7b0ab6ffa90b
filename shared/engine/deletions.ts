import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { RecordMeta } from '../store/records';
import type { Run } from '../store/runs';
import type { SeenIds } from '../store/seen';
import { totals } from './stats';

/** Records a successful full run did not see are gone from the source: mark exactly those deleted. */
export async function deletionPass(app: App, integration: IntegrationItem, run: Run, seen: SeenIds, snapshots: Map<string, Map<string, RecordMeta>>): Promise<void> {
  for (const [name, ids] of seen) {
    const st = run.streams[name];
    if (!st || st.status !== 'done' || st.info?.stoppedAt) continue;
    const missing: string[] = [];
    // The run's snapshot (kept current by its writes) already lists what is stored; records a webhook added
    // after it was taken are left alone, which errs on the side of keeping data.
    const snapshot = snapshots.get(name);
    if (snapshot) {
      for (const [id, m] of snapshot) if (!m.deleted && !ids.has(id)) missing.push(id);
    } else for await (const chunk of app.records.liveIds(integration.id, name)) for (const id of chunk) if (!ids.has(id)) missing.push(id);
    if (!missing.length) continue;
    if (!run.dryRun) await app.records.markDeleted(integration.id, name, missing);
    st.deleted += missing.length;
  }
  run.stats = totals(run);
}
