import type { Run, StreamStats } from '../store/runs';
import { duration, table } from './format';

const NUMBERS: (keyof StreamStats)[] = ['processed', 'created', 'updated', 'unchanged', 'failed', 'deleted', 'pages', 'requests', 'retries', 'http429'];

/** The end-of-run report: a row per data type and a total, then status, timing and the first errors. */
export function runSummary(run: Run): string {
  const row = (name: string, s: StreamStats & { status?: string }) => [
    name,
    s.status ?? '',
    ...NUMBERS.map((k) => String(s[k] ?? 0)),
    duration(s.rateLimitWaitMs ?? 0),
    duration(s.durationMs ?? 0),
  ];
  const streams = Object.entries(run.streams);
  const rows = streams.map(([name, s]) => row(name, s));
  if (streams.length > 1) rows.push(row('total', { ...run.stats, status: '' }));
  const header = ['DATA TYPE', 'STATUS', 'PROCESSED', 'CREATED', 'UPDATED', 'UNCHANGED', 'FAILED', 'DELETED', 'PAGES', 'REQUESTS', 'RETRIES', '429S', 'WAITED', 'DURATION'];
  const right = header.map((_, i) => i).filter((i) => i >= 2);
  const took = run.startedAt && run.finishedAt ? duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '-';
  const lines = [
    streams.length ? table(header, rows, right) : '(no data type was read)',
    '',
    `Run ${run.id}: ${run.status.toUpperCase()} in ${took} (${run.mode}${run.dryRun ? ', dry run: nothing was written' : ''}${run.maxRecords ? `, max ${run.maxRecords} records` : ''}${run.since ? `, since ${run.since}` : ''})`,
  ];
  for (const [name, s] of streams) {
    const info = s.info ?? {};
    if (info.stoppedAt === 'maxRecords') lines.push(`  ${name}: stopped at --max-records`);
    if (typeof info.reason === 'string') lines.push(`  ${name}: ${info.reason}`);
  }
  if (run.deletionsSkipped) lines.push(`  deletions not evaluated: ${run.deletionsSkipped}`);
  if (run.error) lines.push(`Error: ${run.error}`);
  const rejected = run.errors.filter((e) => e.id);
  if (rejected.length) {
    lines.push(`First rejected records (${rejected.length}):`);
    for (const e of rejected.slice(0, 10)) lines.push(`  ${e.dataType ?? ''} ${e.id}: ${e.reason}`);
  }
  return lines.join('\n');
}

/** One line per run for `runs`. */
export function runRow(run: Run): string[] {
  const took = run.startedAt && run.finishedAt ? duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '-';
  const s = run.stats;
  return [
    run.id,
    run.createdAt,
    run.trigger,
    run.mode + (run.dryRun ? ' (dry)' : ''),
    run.status,
    String(s.processed),
    String(s.created),
    String(s.updated),
    String(s.unchanged),
    String(s.failed),
    String(s.deleted),
    took,
  ];
}
export const RUN_HEADER = ['RUN', 'CREATED', 'TRIGGER', 'MODE', 'STATUS', 'PROCESSED', 'CREATED', 'UPDATED', 'UNCHANGED', 'FAILED', 'DELETED', 'DURATION'];
