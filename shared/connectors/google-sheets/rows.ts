import * as z from 'zod';
import type { RejectedRecord, SourceRecord } from '../types';
import { columnLetter } from './a1';

/**
 * spreadsheets.values.get answers a ValueRange. Trailing empty cells and rows are left out, so rows differ in
 * length, and a range with nothing in it has no `values` at all.
 * https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values#ValueRange
 */
export const CellSchema = z.union([z.string(), z.number(), z.boolean()]);
export const ValueRangeSchema = z.object({
  range: z.string(),
  majorDimension: z.enum(['ROWS', 'COLUMNS']).optional(),
  values: z.array(z.array(CellSchema)).optional(),
});
export type ValueRange = z.infer<typeof ValueRangeSchema>;
type Cell = z.infer<typeof CellSchema>;

/** Google's error envelope: {"error":{"code","message","status"}}. */
export const GoogleErrorSchema = z.object({
  error: z.object({ code: z.number().optional(), message: z.string().optional(), status: z.string().optional() }),
});

export function describeGoogleError(_status: number, body: unknown): string | undefined {
  const parsed = GoogleErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { status, message } = parsed.data.error;
  return [status, message].filter(Boolean).join(': ') || undefined;
}

/**
 * Header cells as field names: trimmed; a blank header becomes its column letter (e.g. "F"); a repeated
 * name gets "_2", "_3".
 */
export function headerNames(row: Cell[], firstColumn: number): string[] {
  const seen = new Map<string, number>();
  return row.map((cell, i) => {
    let name = String(cell).trim() || columnLetter(firstColumn + i);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name = `${name}_${n}`;
    return name;
  });
}

/**
 * One sheet row as a record. A cell the API left out (past the row's last value) is null; a cell that is
 * present but empty stays "". Cells beyond the header are ignored. Blank rows are skipped.
 */
export function rowToRecord(
  header: string[],
  row: Cell[],
  rowNumber: number,
  idColumn: string | undefined,
): { record?: SourceRecord; rejected?: RejectedRecord } {
  if (row.every((c) => c === '')) return {};
  const data: Record<string, unknown> = {};
  header.forEach((name, i) => {
    data[name] = i < row.length ? row[i] : null;
  });
  if (!idColumn) return { record: { id: String(rowNumber), data } };
  const id = data[idColumn];
  if (id === null || id === undefined || String(id).trim() === '') return { rejected: { id: `row ${rowNumber}`, reason: `row ${rowNumber} has no ${idColumn}` } };
  return { record: { id: String(id).trim(), data } };
}
