import { codeOf, ERROR_CODES, RECORD_ERROR } from './codes';

/**
 * What a report is made of. The inputs are the shapes flows keep (a flow run with seed 003's `sync_summary` /
 * `data_quality`, and for calls flows the `calls` counters), typed here structurally so reports depend on no
 * flow code.
 */

/** A calls_to_leads run's counters (shared/flows/calls/figures.ts); the breakdowns feed the charts. */
export interface CallCounters {
  processed: number;
  leadsCreated: number;
  leadsUpdated: number;
  notesAdded: number;
  attachmentsAdded: number;
  skipped: Record<string, number>;
  failed: number;
  /** Calls by type: accepted, missed, missed_with_voicemail. */
  byType?: Record<string, number>;
  /** Calls by office id. */
  byOffice?: Record<string, number>;
  /** Calls by hour of the day in the office's zone: 24 counts from midnight, or keyed "00"–"23". */
  byHour?: number[] | Record<string, number>;
}

export interface ReportRunInput {
  id: string;
  trigger: string;
  status: string;
  dryRun: boolean;
  noEmail?: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  sync_summary: { records_processed: number; successful_transfers: number; failed_transfers: number; duplicates_skipped: number; sync_duration: string };
  data_quality: { completeness_score: number; validation_errors: number; missing_required_fields: string[] };
  stats: { created: number; updated: number; filtered?: number; skipped?: number; unchanged?: number; notes?: number };
  errors: { sourceId: string; target: string; reason: string; code?: string }[];
  error: string | null;
  calls?: CallCounters;
}

export interface ReportFlowInput {
  id: string;
  tenantId: string;
  name: string;
  template?: string;
  /** Zone of the daily report's day (the flow's timeZone). */
  timeZone?: string;
  settings?: { email?: unknown; offices?: Record<string, { name?: string }> } & Record<string, unknown>;
  /** An ordinary flow's email_config.json (a calls flow's is settings.email). */
  email?: unknown;
}

const bump = (m: Record<string, number>, k: string, n = 1) => void (m[k] = (m[k] ?? 0) + n);

export interface ErrorLine {
  code: string;
  message: string;
  /** What to do. */
  solution: string;
  count: number;
  /** Up to five of the run's own reasons, with the records they were about. */
  examples: { sourceId: string; reason: string }[];
}

/** The figures one report shows: a run's, or a day's runs added up. */
export interface ReportFigures {
  kind: 'run' | 'daily';
  flowId: string;
  flowName: string;
  /** The run (run reports) or the UTC day (daily reports). */
  subject: string;
  from: string | null;
  to: string | null;
  runs: number;
  runsFailed: number;
  dryRun: boolean;
  summary: ReportRunInput['sync_summary'];
  created: number;
  updated: number;
  notes: number;
  completeness: number;
  missingRequired: string[];
  calls?: CallCounters;
  errors: ErrorLine[];
  /** Runs that failed as a whole, with why. */
  failures: string[];
}

/** Adds up runs (one for a run report, a day's for the daily one) into the report's figures. */
export function figuresOf(flow: ReportFlowInput, runs: ReportRunInput[], kind: 'run' | 'daily', subject: string): ReportFigures {
  const summary = { records_processed: 0, successful_transfers: 0, failed_transfers: 0, duplicates_skipped: 0, sync_duration: '' };
  let ms = 0;
  let filled = 0;
  let calls: CallCounters | undefined;
  const missing = new Set<string>();
  const errors = new Map<string, ErrorLine>();
  for (const r of runs) {
    for (const k of ['records_processed', 'successful_transfers', 'failed_transfers', 'duplicates_skipped'] as const) summary[k] += r.sync_summary[k];
    ms += Number.parseFloat(r.sync_summary.sync_duration) * 1000 || 0;
    filled += r.data_quality.completeness_score * r.sync_summary.records_processed;
    r.data_quality.missing_required_fields.forEach((m) => missing.add(m));
    if (r.calls) calls = addCalls(calls, r.calls);
    for (const e of [...r.errors, ...(r.error ? [{ sourceId: '', target: '', reason: r.error }] : [])]) {
      const code = codeOf(e);
      const line = errors.get(code ?? 'record') ?? { code: code ?? 'RECORD', ...(code ? ERROR_CODES[code] : RECORD_ERROR), count: 0, examples: [] };
      line.count++;
      if (line.examples.length < 5) line.examples.push({ sourceId: e.sourceId, reason: e.reason });
      errors.set(code ?? 'record', line);
    }
  }
  summary.sync_duration = `${(ms / 1000).toFixed(1)} seconds`;
  const times = runs.flatMap((r) => [r.startedAt, r.finishedAt]).filter((t): t is string => !!t).sort();
  return {
    kind,
    flowId: flow.id,
    flowName: flow.name,
    subject,
    from: times[0] ?? null,
    to: times.at(-1) ?? null,
    runs: runs.length,
    runsFailed: runs.filter((r) => r.status === 'failed').length,
    dryRun: runs.length > 0 && runs.every((r) => r.dryRun),
    summary,
    created: runs.reduce((s, r) => s + r.stats.created, 0),
    updated: runs.reduce((s, r) => s + r.stats.updated, 0),
    notes: runs.reduce((s, r) => s + (r.stats.notes ?? 0), 0),
    completeness: summary.records_processed ? Math.round((filled / summary.records_processed) * 1000) / 1000 : 1,
    missingRequired: [...missing],
    ...(calls ? { calls } : {}),
    errors: [...errors.values()].sort((a, b) => b.count - a.count),
    failures: runs.filter((r) => r.status === 'failed').map((r) => r.error ?? 'the run failed'),
  };
}

function addCalls(a: CallCounters | undefined, b: CallCounters): CallCounters {
  const out: CallCounters = a ?? { processed: 0, leadsCreated: 0, leadsUpdated: 0, notesAdded: 0, attachmentsAdded: 0, skipped: {}, failed: 0 };
  for (const k of ['processed', 'leadsCreated', 'leadsUpdated', 'notesAdded', 'attachmentsAdded', 'failed'] as const) out[k] += b[k] ?? 0;
  for (const [k, n] of Object.entries(b.skipped ?? {})) bump(out.skipped, k, n);
  for (const m of ['byType', 'byOffice'] as const) for (const [k, n] of Object.entries(b[m] ?? {})) bump((out[m] ??= {}), k, n);
  // Hours are added up keyed "00"–"23" whichever form the run keeps them in.
  const hours = (out.byHour ??= {}) as Record<string, number>;
  for (const [k, n] of Object.entries(b.byHour ?? {})) if (n) bump(hours, k.padStart(2, '0'), n);
  return out;
}

/** Nothing happened: no record or call processed and nothing failed (send_empty_reports decides whether it is mailed). */
export function isEmpty(f: ReportFigures): boolean {
  return f.summary.records_processed === 0 && (f.calls?.processed ?? 0) === 0 && !hasErrors(f);
}

export function hasErrors(f: ReportFigures): boolean {
  return f.errors.length > 0 || f.runsFailed > 0 || (f.calls?.failed ?? 0) > 0;
}
