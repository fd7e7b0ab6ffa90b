import { randomUUID } from 'node:crypto';
import { executeRun } from '../engine/engine';
import { announceRun } from '../handlers/run-finished';
import { createLogger, setLogSink } from '../log';
import { newRun } from '../services/integrations';
import { SyncRequestSchema, type SyncRequest } from '../services/schemas';
import { runView } from '../services/views';
import type { Run } from '../store/runs';
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
    const holder = randomUUID();
    const progress = runProgress({ total: opts.maxRecords });
    const logs = heldLogs();
    const restoreSink = progress.drawn ? setLogSink(logs.sink) : undefined;
    let latest: Run = run;
    // Ctrl-C: release this run's leases and close it as failed, so the next sync need not wait for them to lapse.
    const interrupt = () => {
      progress.stop();
      ctx.io.err('Interrupted: the run is closed as failed; the records written so far are kept.');
      const streams = Object.keys(latest.streams);
      void Promise.all(streams.map((s) => app.state.release(i.id, s, holder).catch(() => undefined)))
        .then(() => app.runs.save({ ...latest, status: 'failed', error: 'interrupted from the CLI', finishedAt: new Date().toISOString() }))
        .catch(() => undefined)
        .finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupt);
    let outcome: string;
    try {
      const result = await executeRun(app, { kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 }, {
        remainingMs: () => Infinity,
        safetyMarginMs: 0,
        holder,
        onProgress: (r) => {
          latest = r;
          progress.update(r);
        },
      });
      outcome = result.outcome;
      if (result.finished) await announceRun(app, result.finished, createLogger({ component: 'cli' }));
    } finally {
      process.removeListener('SIGINT', interrupt);
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
