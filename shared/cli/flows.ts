import { SingleBar } from 'cli-progress';
import { ValidationError } from '../errors';
import { setLogLevel } from '../log';
import { callsSummary } from './calls-summary';
import { executeFlowRun } from '../flows/runner';
import { RunFlowSchema } from '../flows/schema';
import { checkCallsRun, FlowService, newFlowRun } from '../flows/service';
import type { FlowItem, FlowRun } from '../flows/store';
import { intOption, type Values } from './args';
import { JSON_OPTION, TENANT_OPTION, json, type Command, type CommandContext } from './command';
import { CliError, UsageError } from './errors';
import { table } from './format';
import { tenantOf } from './store';

/** `flows list | run | deliveries`: the flows of a tenant (the demo tenant unless --tenant), run in this process. */

const flowOf = async (ctx: CommandContext, values: Values, id: string, withConnectors = false): Promise<{ svc: FlowService; flow: FlowItem }> => {
  const tenantId = tenantOf(ctx.dataDir, values.tenant as string | undefined);
  const svc = new FlowService((await ctx.stack(withConnectors)).app);
  const flow = await svc.flows.get(tenantId, id);
  if (!flow) throw new CliError(`Flow ${id} was not found for tenant ${tenantId}.`);
  return { svc, flow };
};
const view = ({ tenantId, expiresAt, ...r }: FlowRun) => (void tenantId, void expiresAt, r);

export const flowsList: Command = {
  words: ['flows', 'list'],
  positionals: [],
  options: { ...TENANT_OPTION, ...JSON_OPTION },
  summary: "List a tenant's flows.",
  description: 'With --json, prints {"flows": [...], "nextCursor": ...} as GET /api/flows answers.',
  async run(ctx, values) {
    const tenantId = tenantOf(ctx.dataDir, values.tenant as string | undefined);
    const page = await new FlowService((await ctx.stack()).app).flows.list(tenantId, 1000);
    if (values.json) ctx.io.out(json({ flows: page.items.map(({ tenantId: _t, ...f }) => f), nextCursor: page.nextCursor }));
    else if (!page.items.length) ctx.io.out(`Tenant ${tenantId} has no flows.`);
    else
      ctx.io.out(
        table(
          ['ID', 'NAME', 'STATUS', 'TRIGGER', 'SOURCE', 'TARGET', 'LAST RUN'],
          page.items.map((f) => [f.id, f.name, f.status, f.trigger, `${f.source.integrationId}/${f.source.dataType}`, f.target ? `${f.target.integrationId}/${f.target.object ?? f.target.path}` : `(actions: ${(f.actions ?? []).map((a) => a.type).join(', ')})`, f.lastRunAt ?? 'never']),
        ),
      );
    return 0;
  },
};

export const flowsRun: Command = {
  words: ['flows', 'run'],
  positionals: ['flowId'],
  options: {
    ...TENANT_OPTION,
    'dry-run': { type: 'boolean', help: 'map and check every record, send nothing, write no ledger' },
    since: { type: 'string', arg: 'DATE', help: 'source records stored since DATE instead of since the last run' },
    'max-records': { type: 'string', arg: 'N', help: 'stop after N records' },
    office: { type: 'string', arg: 'ID', help: 'calls_to_leads: only the calls of this office' },
    'hours-back': { type: 'string', arg: 'N', help: 'calls_to_leads: the last N hours of calls (default 24, max 168)' },
    'call-types': { type: 'string', arg: 'LIST', help: 'calls_to_leads: accepted,missed (default both)' },
    'no-email': { type: 'boolean', help: 'calls_to_leads: send no report mail after this run' },
    debug: { type: 'boolean', help: 'print debug log lines (as LOG_LEVEL=debug)' },
    ...JSON_OPTION,
  },
  summary: 'Run a flow now, in this process.',
  description: [
    'Reads the source data type from the local store, maps and delivers it with the same runner the flow worker',
    'uses, and prints the seed-003 summary (with --json, the run as GET /api/flows/{id}/runs/{runId} answers).',
    'A progress line shows on stderr when it is a terminal. Exit code: 0 when the run succeeded or partly did, 1 when it failed.',
  ].join('\n'),
  async run(ctx, values, [flowId]) {
    const body = {
      dryRun: Boolean(values['dry-run']),
      ...(values.since !== undefined ? { since: String(values.since).trim() } : {}),
      ...(values['max-records'] !== undefined ? { maxRecords: intOption(values, 'max-records') } : {}),
      ...(values.office !== undefined ? { office: String(values.office) } : {}),
      ...(values['hours-back'] !== undefined ? { hoursBack: intOption(values, 'hours-back') } : {}),
      ...(values['call-types'] !== undefined ? { callTypes: String(values['call-types']).split(',').map((t) => t.trim()) } : {}),
      ...(values['no-email'] ? { noEmail: true } : {}),
    };
    if (values.debug) setLogLevel('debug');
    const opts = RunFlowSchema.safeParse(body);
    if (!opts.success) throw new UsageError(`invalid flow run options: ${opts.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const { svc, flow } = await flowOf(ctx, values, flowId, true);
    try {
      checkCallsRun(flow, opts.data);
    } catch (err) {
      if (err instanceof ValidationError) throw new UsageError(err.message);
      throw err;
    }
    const run = newFlowRun(flow, 'cli', opts.data);
    await svc.runs.create(run);
    const bar = new SingleBar({ stream: process.stderr, format: '{value} records | {ok} sent or unchanged | {failed} failed | {dupes} duplicates', hideCursor: true, fps: 5 });
    bar.start(opts.data.maxRecords ?? 0, 0, { ok: 0, failed: 0, dupes: 0 });
    const done = await executeFlowRun(svc.app, { tenantId: flow.tenantId, flowId: flow.id, runId: run.id }, {
      onProgress: (r) => bar.update(r.sync_summary.records_processed, { ok: r.sync_summary.successful_transfers, failed: r.sync_summary.failed_transfers, dupes: r.sync_summary.duplicates_skipped }),
    });
    bar.stop();
    const r = done ?? run;
    if (values.json) ctx.io.out(json(view(r)));
    else {
      const s = r.sync_summary;
      ctx.io.out(
        [
          `Flow ${flow.name} (${flow.id}): ${r.status}${r.dryRun ? ' (dry run: nothing sent)' : ''}`,
          `  records processed ${s.records_processed}, successful ${s.successful_transfers}, failed ${s.failed_transfers}, duplicates skipped ${s.duplicates_skipped}, in ${s.sync_duration}`,
          `  created ${r.stats.created}, updated ${r.stats.updated}, unchanged ${r.stats.unchanged}, filtered out ${r.stats.filtered}`,
          `  completeness ${r.data_quality.completeness_score}, validation errors ${r.data_quality.validation_errors}${r.data_quality.missing_required_fields.length ? ` (${r.data_quality.missing_required_fields.join('; ')})` : ''}`,
          ...(r.calls ? callsSummary(r) : r.errors.map((e) => `  ! ${e.sourceId} → ${e.target}: ${e.reason}`)),
          ...(r.error ? [`  error: ${r.error}`] : []),
        ].join('\n'),
      );
    }
    return r.status === 'failed' ? 1 : 0;
  },
};

export const flowsDeliveries: Command = {
  words: ['flows', 'deliveries'],
  positionals: ['flowId'],
  options: { ...TENANT_OPTION, failed: { type: 'boolean', help: 'only the failed deliveries' }, limit: { type: 'string', arg: 'N', help: 'at most N entries (1-1000, default 50)' }, ...JSON_OPTION },
  summary: "List a flow's delivery ledger.",
  description: 'With --json, prints {"deliveries": [...], "nextCursor": ...} as GET /api/flows/{id}/deliveries answers.',
  async run(ctx, values, [flowId]) {
    const limit = intOption(values, 'limit', 1000) ?? 50;
    const { svc, flow } = await flowOf(ctx, values, flowId);
    const page = await svc.ledger.list(flow.id, { limit, ...(values.failed ? { status: 'failed' as const } : {}) });
    if (values.json) ctx.io.out(json({ deliveries: page.items, nextCursor: page.nextCursor }));
    else if (!page.items.length) ctx.io.out(`Flow ${flow.id} has no ${values.failed ? 'failed ' : ''}deliveries.`);
    else ctx.io.out(table(['SOURCE ID', 'TARGET ID', 'STATUS', 'ATTEMPTS', 'UPDATED', 'LAST ERROR'], page.items.map((d) => [d.sourceId, d.targetId ?? '-', d.status, String(d.attempts), d.updatedAt, d.lastError ?? ''])));
    return 0;
  },
};
