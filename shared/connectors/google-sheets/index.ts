import * as z from 'zod';
import { MalformedPageError, SourceError } from '../../errors';
import type { HttpClient } from '../../http/client';
import type { Connector, Page, RejectedRecord, SourceRecord, Stream } from '../types';
import { columnIndex, endRowOf, parseA1, windowA1, type A1Range } from './a1';
import { serviceAccountAuth } from './auth';
import { describeGoogleError, GoogleErrorSchema, headerNames, rowToRecord, ValueRangeSchema, type ValueRange } from './rows';
import { googleSheetsSpec, type GoogleSheetsConfig, type Sheet } from './spec';

export { googleSheetsSpec, GoogleSheetsConfigSchema, type GoogleSheetsConfig } from './spec';

/**
 * Sheets have no change feed: every run reads every row (the engine skips rows whose hash is unchanged).
 * The cursor only lets an interrupted run continue: the next window's first row and the header read at the
 * start. A finished read ends with `{complete: true}`, and the next run starts from the top.
 */
export const SheetsCursorSchema = z.union([
  z.object({ nextRow: z.number().int().min(1), header: z.array(z.string()) }),
  z.object({ complete: z.literal(true) }),
]);
export type SheetsCursor = z.infer<typeof SheetsCursorSchema>;

const DONE: SheetsCursor = { complete: true };

/**
 * GET one A1 range. A window that starts past the sheet's grid answers 400 "exceeds grid limits": that is
 * the end of the sheet, returned as `undefined`.
 */
async function getRange(http: HttpClient, sheet: Sheet, range: string, stream?: string): Promise<ValueRange | undefined> {
  const res = await http.request({
    url: `/v4/spreadsheets/${encodeURIComponent(sheet.spreadsheetId)}/values/${encodeURIComponent(range)}`,
    query: { majorDimension: 'ROWS' },
    stream,
    okStatuses: [400],
  });
  if (res.status === 400) {
    const err = GoogleErrorSchema.safeParse(res.body);
    if (err.success && /exceeds grid limits/i.test(err.data.error.message ?? '')) return undefined;
    throw new SourceError('source_error', `Request failed: google_sheets${stream ? `/${stream}` : ''} GET values answered 400 (${describeGoogleError(400, res.body) ?? 'no detail'})`, { status: 400 });
  }
  const parsed = ValueRangeSchema.safeParse(res.body);
  if (!parsed.success) throw new MalformedPageError(`google_sheets${stream ? `/${stream}` : ''}: values response is not a ValueRange (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

function toPage(header: string[], values: ValueRange['values'], firstRow: number, sheet: Sheet, cursor: SheetsCursor): Page {
  const records: SourceRecord[] = [];
  const rejected: RejectedRecord[] = [];
  (values ?? []).forEach((row, i) => {
    const out = rowToRecord(header, row, firstRow + i, sheet.idColumn);
    if (out.record) records.push(out.record);
    if (out.rejected) rejected.push(out.rejected);
  });
  return { records, rejected: rejected.length ? rejected : undefined, cursor };
}

async function readHeader(http: HttpClient, sheet: Sheet, r: A1Range, stream?: string): Promise<string[]> {
  const res = await getRange(http, sheet, windowA1(r, r.startRow, r.startRow), stream);
  const header = headerNames(res?.values?.[0] ?? [], r.startCol ? columnIndex(r.startCol) : 0);
  if (header.length && sheet.idColumn && !header.includes(sheet.idColumn))
    throw new SourceError('id_column_missing', `google_sheets/${sheet.dataType}: idColumn "${sheet.idColumn}" is not in the header row (${header.join(', ')})`);
  return header;
}

function streamFor(sheet: Sheet): Stream<GoogleSheetsConfig> {
  return {
    name: sheet.dataType,
    async *read(ctx, raw) {
      const r = parseA1(sheet.range);
      if (!r) throw new SourceError('invalid_range', `google_sheets/${sheet.dataType}: range "${sheet.range}" is not an A1 range such as Leads!A:F`);
      const prev = ctx.resuming ? SheetsCursorSchema.safeParse(raw) : undefined;
      let header: string[];
      let next: number;
      if (prev?.success && 'nextRow' in prev.data) {
        ({ header, nextRow: next } = prev.data);
      } else {
        header = await readHeader(ctx.http, sheet, r, sheet.dataType);
        next = r.startRow + 1;
      }
      if (header.length === 0) {
        yield { records: [], cursor: DONE };
        return;
      }
      const chunk = ctx.config.chunkRows;
      for (;;) {
        if (r.endRow !== undefined && next > r.endRow) {
          yield { records: [], cursor: DONE };
          return;
        }
        const to = r.endRow !== undefined ? Math.min(next + chunk - 1, r.endRow) : next + chunk - 1;
        const res = await getRange(ctx.http, sheet, windowA1(r, next, to), sheet.dataType);
        // The end: past the grid, clipped by the grid, the range's own last row, or a window with nothing in
        // it (so a run of blank rows at least one window long also ends the read).
        const answeredEnd = res ? endRowOf(res.range) : undefined;
        const done = !res || !res.values?.length || (answeredEnd !== undefined && answeredEnd < to) || to === r.endRow;
        yield toPage(header, res?.values, next, sheet, done ? DONE : { nextRow: to + 1, header });
        if (done) return;
        next = to + 1;
      }
    },
  };
}

export const googleSheets: Connector<typeof googleSheetsSpec.configSchema> = {
  ...googleSheetsSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: serviceAccountAuth(config), describeError: describeGoogleError }),
  streams: (config) => config.sheets.map(streamFor),
  async test(ctx) {
    const read: string[] = [];
    try {
      for (const sheet of ctx.config.sheets) {
        const r = parseA1(sheet.range);
        if (!r) return { ok: false, message: `Sheet ${sheet.dataType}: range "${sheet.range}" is not an A1 range such as Leads!A:F` };
        const header = await readHeader(ctx.http, sheet, r);
        read.push(`${sheet.dataType} (${header.length ? `${header.length} columns` : 'empty'})`);
      }
      return { ok: true, message: `Connected as ${ctx.config.serviceAccountEmail}: read the header row of ${read.join(', ')}.` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
};
