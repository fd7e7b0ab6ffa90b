import * as z from 'zod';
import { SourceError } from '../../errors';
import { readXml, xmlText } from '../../xml/xml';
import type { Page, ReadContext, RejectedRecord, SourceRecord, Stream } from '../types';
import { parseCsv } from './csv';
import { pacificDateTime } from './pacific';
import type { Five9Config } from './spec';
import { five9Call } from './soap';

/**
 * Calls from a report (the Call Log by default), one time window per report: `runReport` → `isReportRunning`
 * until false → `getReportResultCsv` (Configuration Web Services, "Reports"). Windows are sent in Pacific
 * time, which is how Five9 reads them. A report holds at most 50,000 rows: a window that comes back full is
 * halved and run again. The cursor is the end of the last window read; an incremental run starts
 * `overlapMinutes` before it (the window bounds' inclusiveness is undocumented and calls are logged as they
 * end), and re-read calls are upserts of the same `CALL ID`.
 */
/** `isReportRunning`'s long-poll: Five9 asks for at least 5 s between checks. */
export const POLL_SECONDS = 10;
/** Records per page, so a big window is written (and counted) as it goes. */
const PAGE = 1000;

const CursorSchema = z.object({ hwm: z.iso.datetime(), windowMs: z.number().int().positive().optional() });

const ReturnSchema = z.object({ return: xmlText });

/** Runs one report over [start, end) and answers its CSV rows. */
async function report(ctx: ReadContext<Five9Config>, start: number, end: number): Promise<Record<string, string>[]> {
  const { config, http } = ctx;
  const call = (op: string, content: Parameters<typeof five9Call>[3]) =>
    five9Call(http, config.username, op, content, 'calls').then((node) => readXml(ReturnSchema, node, `five9/calls ${op}`).return);
  const identifier = await call('runReport', {
    folderName: config.reportFolder,
    reportName: config.reportName,
    criteria: { time: { start: pacificDateTime(start), end: pacificDateTime(end) } },
  });
  const polls = Math.ceil((config.reportTimeoutMinutes * 60) / POLL_SECONDS);
  for (let n = 0; ; n++) {
    if ((await call('isReportRunning', { identifier, timeout: POLL_SECONDS })) === 'false') break;
    if (n + 1 >= polls) {
      throw new SourceError('report_timeout', `five9/calls: report ${identifier} was still running after ${config.reportTimeoutMinutes} min`, { retryable: true });
    }
  }
  return parseCsv(await call('getReportResultCsv', { identifier }));
}

/** The calls stream; `clock` says when "now" is (the last window ends at the current minute). */
export const callsStream = (clock: () => number = Date.now): Stream<Five9Config> => ({
  name: 'calls',
  async *read(ctx: ReadContext<Five9Config>, cursor: unknown): AsyncIterable<Page> {
    const { config } = ctx;
    const stored = CursorSchema.safeParse(cursor);
    const hwm = stored.success ? Date.parse(stored.data.hwm) : undefined;
    const now = Math.floor(clock() / 60_000) * 60_000;
    let windowMs = config.windowHours * 3_600_000;
    let start: number;
    if (ctx.since) start = Date.parse(ctx.since);
    else if (ctx.resuming && hwm !== undefined) (start = hwm), (windowMs = stored.data!.windowMs ?? windowMs);
    else if (ctx.mode === 'incremental' && hwm !== undefined) start = hwm - config.overlapMinutes * 60_000;
    else start = now - config.historyDays * 86_400_000;

    while (start < now) {
      const end = Math.min(start + windowMs, now);
      const rows = await report(ctx, start, end);
      if (rows.length >= config.maxReportRows && end - start > 60_000) {
        windowMs = Math.max(60_000, Math.floor((end - start) / 2 / 60_000) * 60_000);
        continue;
      }
      const records: SourceRecord[] = [];
      const rejected: RejectedRecord[] = [];
      for (const row of rows) {
        const id = row[config.callIdColumn];
        if (id) records.push({ id, data: row });
        else rejected.push({ reason: `report row without ${config.callIdColumn}` });
      }
      // Pages within the window keep the cursor before it: a crash mid-window re-runs the window.
      const before = { hwm: new Date(start).toISOString(), windowMs };
      for (let i = PAGE; i < records.length; i += PAGE) yield { records: records.slice(i - PAGE, i), cursor: before };
      start = end;
      yield { records: records.slice(Math.floor((records.length - 1) / PAGE) * PAGE), rejected, cursor: { hwm: new Date(end).toISOString(), windowMs } };
    }
  },
});
