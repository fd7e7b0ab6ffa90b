import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { RecordMeta } from '../store/record-item';
import type { Run } from '../store/runs';
import type { SeenIds } from '../store/seen';
import { totals } from './stats';

/**
 * Records a successful full run did not see are gone from the source: mark exactly those deleted. For a data
 * type whose paging is not stable (`unstable`), a record the run missed may only have moved to a page already
 * read, so it is marked only when the previous clean full run missed it too; until then it is a suspect.
 */
export async function deletionPass(
  app: App,
  integration: IntegrationItem,
  run: Run,
  seen: SeenIds,
  snapshots: Map<string, Map<string, RecordMeta>>,
  unstable: Set<string>,
): Promise<void> {
  for (const [name, ids] of seen) {
    const st = run.streams[name];
    if (!st || st.status !== 'done' || st.info?.stoppedAt) continue;
    let missing = await unseen(app, integration.id, name, ids, snapshots.get(name));
    if (unstable.has(name)) {
      const suspects = await app.seen.suspects(integration.id, name);
      const confirmed = missing.filter((id) => suspects.has(id));
      const pending = missing.filter((id) => !suspects.has(id));
      if (!run.dryRun) await app.seen.saveSuspects(integration.id, name, pending);
      if (pending.length) st.info = { ...st.info, deletionsPending: pending.length };
      missing = confirmed;
    }
    if (!missing.length) continue;
    if (!run.dryRun) await app.records.markDeleted(integration.id, name, missing);
    st.deleted += missing.length;
  }
  run.stats = totals(run);
}

/** Stored, live ids the run did not see. */
async function unseen(app: App, integrationId: string, name: string, ids: Set<string>, snapshot: Map<string, RecordMeta> | undefined): Promise<string[]> {
  const missing: string[] = [];
  // The run's snapshot (kept current by its writes) already lists what is stored; records a webhook added
  // after it was taken are left alone, which errs on the side of keeping data.
  if (snapshot) {
    for (const [id, m] of snapshot) if (!m.deleted && !ids.has(id)) missing.push(id);
  } else for await (const chunk of app.records.liveIds(integrationId, name)) for (const id of chunk) if (!ids.has(id)) missing.push(id);
  return missing;
}
