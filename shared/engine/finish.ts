import { createLogger } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { Run } from '../store/runs';

const CONSECUTIVE_FAILURES_TO_ERROR = 5;
const log = createLogger({ component: 'engine' });

/** A run that ended, with the integration as it was before and after: what notifications are made of. */
export interface RunFinished {
  run: Run;
  before: IntegrationItem;
  /** Undefined when the integration was not touched (dry run, skipped run). */
  after?: IntegrationItem;
}

/** Closes the run with its final status and adds it to the tenant's activity feed (`name`: the integration's). */
export async function closeRun(app: App, run: Run, status: Run['status'], error: string | null, name?: string): Promise<void> {
  run.status = status;
  run.error = error;
  run.finishedAt = new Date().toISOString();
  await app.runs.save(run);
  const s = run.stats;
  await app.activity
    .record(run.tenantId, { kind: 'sync', runId: run.id, integrationId: run.integrationId, ...(name ? { name } : {}), trigger: run.trigger, status, dryRun: run.dryRun, startedAt: run.startedAt, finishedAt: run.finishedAt, processed: s.processed, created: s.created, updated: s.updated, failed: s.failed, error })
    // The feed is a view of the runs: losing one entry must not fail the run that is already closed.
    .catch((err: unknown) => log.warn('activity entry not written', { runId: run.id, error: err as Error }));
}

/** Moves the integration after a closed run: lastSync, error message, and `error` after repeated failures. */
export async function updateHealth(app: App, integration: IntegrationItem, run: Run): Promise<IntegrationItem | undefined> {
  if (run.dryRun) return undefined;
  const { status, error } = run;
  const now = run.finishedAt!;
  return app.integrations.update(integration.tenantId, integration.id, (cur) => {
    if (status === 'skipped') return undefined;
    const next = { ...cur, updatedAt: cur.updatedAt };
    if (status === 'failed') {
      next.consecutiveFailures = cur.consecutiveFailures + 1;
      next.errorMessage = error;
      if (next.consecutiveFailures >= CONSECUTIVE_FAILURES_TO_ERROR) {
        next.status = 'error';
        next.errorSince ??= now;
      }
    } else {
      next.lastSync = now;
      next.consecutiveFailures = 0;
      next.errorMessage = status === 'partial' ? error : null;
      next.errorSince = null;
    }
    return next;
  });
}

/** Adds a closed run to the integration's daily metrics (a dry run changed nothing). */
export async function recordMetrics(app: App, run: Run): Promise<void> {
  const s = run.stats;
  await app.metrics.add(run.integrationId, {
    runs: 1,
    runsSucceeded: run.status === 'succeeded' ? 1 : 0,
    runsFailed: run.status === 'failed' ? 1 : 0,
    recordsProcessed: s.processed,
    recordsCreated: run.dryRun ? 0 : s.created,
    recordsUpdated: run.dryRun ? 0 : s.updated,
    recordsDeleted: run.dryRun ? 0 : s.deleted,
    recordsFailed: s.failed,
    requests: s.requests,
    // Time spent reading and writing (the sum over data types), for the dashboard's per-day chart.
    durationMs: s.durationMs,
  });
}
