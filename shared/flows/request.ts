import { ulid } from 'ulid';
import { FLOWS_QUEUE } from '../queue/types';
import type { App } from '../services/app';
import { FlowRunStore, type FlowItem, type FlowRun, type FlowRunTrigger } from './store';

/*
 * Asking for a flow run, apart from FlowService: the scheduler and the realtime dispatch only ask, with no
 * options, so neither carries nor builds the schemas a flow or a run request is checked against (flows/schema.ts,
 * the calls settings, the actions).
 */

/** What a run is asked with: a request's checked options (FlowService), or none (schedule, realtime). */
export type FlowRunOptions = { dryRun: boolean; since?: string; maxRecords?: number; sourceIds?: string[] } & Pick<FlowRun, 'hoursBack' | 'office' | 'callTypes' | 'noEmail'>;

/** Creates a queued run and puts it on the flows queue (manual, schedule, realtime and retry alike). */
export async function requestRun(app: App, flow: FlowItem, trigger: FlowRunTrigger, opts: FlowRunOptions = { dryRun: false }): Promise<FlowRun> {
  const run = newFlowRun(flow, trigger, opts);
  await new FlowRunStore(app.db).create(run);
  await app.queue.send(FLOWS_QUEUE, [{ kind: 'flow', tenantId: flow.tenantId, flowId: flow.id, runId: run.id }]);
  return run;
}

export function newFlowRun(flow: FlowItem, trigger: FlowRunTrigger, opts: FlowRunOptions): FlowRun {
  return {
    id: ulid(),
    flowId: flow.id,
    tenantId: flow.tenantId,
    trigger,
    status: 'queued',
    ...opts,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    ...emptyFigures(),
    next_sync: null,
  };
}

/** A run's figures before it has looked at any record (a redelivered run starts them again). */
export function emptyFigures(): Pick<FlowRun, 'sync_summary' | 'data_quality' | 'stats' | 'errors' | 'error' | 'preview'> {
  return {
    sync_summary: { records_processed: 0, successful_transfers: 0, failed_transfers: 0, duplicates_skipped: 0, sync_duration: '0 seconds' },
    data_quality: { completeness_score: 1, validation_errors: 0, missing_required_fields: [] },
    stats: { created: 0, updated: 0, unchanged: 0, filtered: 0, skipped: 0, requests: 0, retries: 0, http429: 0, durationMs: 0 },
    errors: [],
    error: null,
    preview: undefined,
  };
}
