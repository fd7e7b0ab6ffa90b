import { ulid } from 'ulid';
import { FLOWS_QUEUE } from '../queue/types';
import type { App } from '../services/app';
import { parse } from '../validate';
import { ValidationError } from '../errors';
import { isTemplate } from './calls/settings';
import { RunFlowSchema } from './schema';
import { FlowRunStore, type FlowItem, type FlowRun, type FlowRunTrigger } from './store';

/*
 * Asking for a flow run, apart from FlowService: the scheduler and the realtime dispatch only ask, and what a
 * flow is checked against when it is saved (mapping templates, filters, mail actions) would triple their bundles.
 */

/** Run options: the calls ones only on a calls flow, an office it has (`noEmail` on any flow that mails reports). */
export function checkCallsRun(flow: FlowItem, opts: Pick<FlowRun, 'office' | 'hoursBack' | 'callTypes' | 'noEmail'>): void {
  const given = (['office', 'hoursBack', 'callTypes', 'noEmail'] as const).filter((k) => opts[k] !== undefined && !(k === 'noEmail' && flow.email));
  if (!isTemplate(flow) && given.length) throw new ValidationError(`${given.join(', ')}: only calls_to_leads flows take these`, given.map((path) => ({ path, message: 'only for calls_to_leads flows' })));
  if (opts.office !== undefined && !flow.settings?.offices[opts.office])
    throw new ValidationError(`office: no office "${opts.office}" in the flow's settings`, [{ path: 'office', message: `known offices: ${Object.keys(flow.settings?.offices ?? {}).join(', ') || 'none'}` }]);
}

/** Creates a queued run and puts it on the flows queue (manual, CLI, schedule, realtime and retry alike). */
export async function requestRun(app: App, flow: FlowItem, body: unknown, trigger: FlowRunTrigger, extra: Pick<FlowRun, 'sourceIds'> = {}): Promise<FlowRun> {
  const opts = parse(RunFlowSchema, body ?? {});
  checkCallsRun(flow, opts);
  const run = newFlowRun(flow, trigger, { ...opts, ...extra });
  await new FlowRunStore(app.db).create(run);
  await app.queue.send(FLOWS_QUEUE, [{ kind: 'flow', tenantId: flow.tenantId, flowId: flow.id, runId: run.id }]);
  return run;
}

export function newFlowRun(flow: FlowItem, trigger: FlowRunTrigger, opts: { dryRun: boolean; since?: string; maxRecords?: number; sourceIds?: string[] } & Pick<FlowRun, 'hoursBack' | 'office' | 'callTypes' | 'noEmail'>): FlowRun {
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
