import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { executeRun } from '../engine/engine';
import { announceRun } from '../handlers/run-finished';
import { createLogger, setLogSink } from '../log';
import { MAX_RECEIVES, type SyncMessage } from '../queue/types';
import type { App } from '../services/app';
import { SyncRequestSchema, type SyncRequest } from '../services/schemas';
import { runView } from '../services/views';
import { newRun, type Run } from '../store/runs';
import { intOption, type Values } from './args';
import { JSON_OPTION, TENANT_OPTION, json, type Command } from './command';
import { CliError, UsageError } from './errors';
import { heldLogs, runProgress } from './progress';
import { findIntegration } from './store';
import { runSummary } from './summary';

/** Turns the flags into the API's sync request body and validates it with the same schema. */
export function syncRequestOf(values: Values): SyncRequest {
  const dataTypes = values['data-type'] as string[] | undefined;
  const body = {
    mode: values.full ? 'full' : 'incremental',
    dryRun: Boolean(values['dry-run']),
    ...(dataTypes?.length ? { dataTypes } : {}),
    ...(values['max-records'] !== undefined ? { maxRecords: intOption(values, 'max-records') } : {}),
    ...(values.since !== undefined ? { since: String(values.since).trim() } : {}),
  };
  const r = SyncRequestSchema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue.path[0] ?? '');
  if (field === 'since')
    throw new UsageError(`--since must be a date (2024-01-31) or a date-time with a UTC offset (2024-01-31T08:00:00Z), not '${values.since}'`);
  if (field === 'dataTypes') throw new UsageError('--data-type needs a data type name');
  throw new UsageError(`invalid sync options: ${issue.message}`);
}

/** `sync <integrationId>`: one run of the engine in this process, with progress and a summary. */
export const sync: Command = {
  words: ['sync'],
  positionals: ['integrationId'],
  options: {
    ...TENANT_OPTION,
    full: { type: 'boolean', help: 'read everything from the start (default: incremental from the stored cursor); a clean full run marks records gone from the source deleted' },
    'dry-run': { type: 'boolean', help: 'read and compare, write nothing (records, cursors, integration)' },
    'max-records': { type: 'string', arg: 'N', help: 'stop after N records' },
    since: { type: 'string', arg: 'DATE', help: 'read changes since DATE (2024-01-31 or 2024-01-31T08:00:00Z) instead of the stored cursor' },
    'data-type': { type: 'string', multiple: true, arg: 'T', help: 'only this data type' },
    ...JSON_OPTION,
  },
  summary: 'Run a sync of one integration now, in this process.',
  description: [
    'Reads the source with the same engine the workers run, writes the records to the local store and prints',
    'a summary per data type. A progress line shows on stderr when it is a terminal. With --json, prints the run',
    '(as GET /api/integrations/{id}/runs/{runId} answers) on stdout. Without --tenant, the integration is looked',
    'up in the demo tenant, then in every tenant of the data folder.',
    'Exit code: 0 when the run succeeded or partly succeeded, 1 when it failed.',
  ].join('\n'),
  async run(ctx, values, [integrationId]) {
    const opts = syncRequestOf(values);
    const { app } = await ctx.stack(true);
    const i = await findIntegration(app, ctx.dataDir, integrationId, values.tenant as string | undefined);
    const spec = app.specs.get(i.type);
    if (!spec || !app.connector(i.type)) throw new CliError(`This build has no connector for type ${i.type}.`);
    if (opts.dataTypes) {
      const known = spec.dataTypes(i.config as never);
      const unknown = opts.dataTypes.filter((d) => !known.includes(d));
      if (unknown.length) throw new UsageError(`unknown data type${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for ${i.type}; known: ${known.join(', ')}`);
    }

    const run = newRun(i, opts, 'cli');
    await app.runs.create(run);
    // Named, so a sync that finds a data type leased can say who holds it.
    const holder = `cli:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const progress = runProgress({ total: opts.maxRecords });
    const logs = heldLogs();
    const restoreSink = progress.drawn ? setLogSink(logs.sink) : undefined;
    let latest: Run = run;
    // Ctrl-C or a kill: release this run's leases and close it as failed, so the next sync need not wait for them to lapse.
    const streams = opts.dataTypes ?? spec.dataTypes(i.config as never);
    const interrupt = (signal: NodeJS.Signals) => {
      progress.stop();
      ctx.io.err(`Interrupted (${signal}): the run is closed as failed; the records written so far are kept, and the next sync resumes from the last checkpoint.`);
      void Promise.all(streams.map((s) => app.state.release(i.id, s, holder).catch(() => undefined)))
        .then(() => app.runs.save({ ...latest, status: 'failed', error: `interrupted from the CLI (${signal})`, finishedAt: new Date().toISOString() }))
        .catch(() => undefined)
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let outcome: string;
    try {
      outcome = await runToEnd(app, { kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 }, holder, (r) => {
        latest = r;
        progress.update(r);
      });
    } finally {
      process.removeListener('SIGINT', interrupt);
      process.removeListener('SIGTERM', interrupt);
      progress.stop();
      if (restoreSink) setLogSink(restoreSink);
      for (const line of logs.lines()) ctx.io.err(line);
    }
    const done = await app.runs.get(i.id, run.id);
    if (!done || outcome === 'ignored') throw new CliError(`The run ${run.id} was not executed.`);
    if (values.json) ctx.io.out(json(runView(done)));
    else ctx.io.out(runSummary(done));
    return done.status === 'succeeded' || done.status === 'partial' ? 0 : 1;
  },
};

/**
 * Runs the engine in this process as the queue would: a run paused by a transient source error is taken up
 * again when the source said it may succeed (or after a backoff), at most MAX_RECEIVES times in all.
 */
async function runToEnd(app: App, msg: SyncMessage, holder: string, onProgress: (r: Run) => void, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const result = await executeRun(app, msg, { remainingMs: () => Infinity, safetyMarginMs: 0, holder, onProgress, lastDelivery: attempt >= MAX_RECEIVES });
    if (result.finished) await announceRun(app, result.finished, createLogger({ component: 'cli' }));
    if ((result.outcome !== 'retry' && result.outcome !== 'busy') || attempt >= MAX_RECEIVES) return result.outcome;
    await sleep(Math.max(1000 * 2 ** attempt, (result.retryAt ?? 0) - Date.now()));
  }
}
