import type { RunFinished } from '../engine/engine';
import type { Logger } from '../log';
import { notify } from '../notify/notify';
import type { App } from '../services/app';

/**
 * Announces a finished run to the tenant's channels: run.succeeded / run.failed, and the integration going
 * into or out of `error`. Notifications never fail a run: a channel that is down has its own delivery log.
 */
export async function announceRun(app: App, { run, before, after }: RunFinished, log: Logger): Promise<void> {
  const base = { integrationId: before.id, integrationName: before.name, type: before.type };
  const now = run.finishedAt ?? new Date().toISOString();
  const tell = (event: Parameters<typeof notify>[2], data: Record<string, unknown>) =>
    notify(app, before.tenantId, event, { ...base, ...data } as never).catch((err) => log.warn('notification failed', { event, error: err as Error }));
  const s = run.stats;
  if (!run.dryRun && (run.status === 'failed' || run.status === 'succeeded'))
    await tell(run.status === 'failed' ? 'run.failed' : 'run.succeeded', {
      runId: run.id,
      trigger: run.trigger,
      startedAt: run.startedAt ?? undefined,
      finishedAt: now,
      recordsRead: s.processed,
      recordsChanged: s.created + s.updated + s.deleted,
      ...(run.error ? { error: run.error } : {}),
    });
  if (after?.status === 'error' && before.status !== 'error') await tell('integration.error', { error: run.error ?? undefined, at: now });
  if (!run.dryRun && run.status !== 'failed' && run.status !== 'skipped' && before.errorSince) await tell('integration.recovered', { at: now });
}
