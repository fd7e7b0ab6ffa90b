import { Readable } from 'node:stream';
import { CsvError, parse as csvParser, type Info } from 'csv-parse';
import { AppError } from '../../errors';
import { parseJson } from '../../json';
import type { SourceRecord } from '../types';
import type { FileConfig, FileFormat } from './spec';

/**
 * The columns an export writes besides the record's own fields. An import drops them from the data (and reads
 * `_deleted`), so a file exported from us imports back unchanged.
 */
export const META_COLUMNS = { externalId: '_externalId', updatedAt: '_updatedAt', deleted: '_deleted' } as const;
const META = new Set<string>(Object.values(META_COLUMNS));

/** Longest id we key a record by: the store's sort key (`<dataType>#<id>`) must stay far below its 1 KB. */
export const MAX_ID_LENGTH = 256;

/** One row of an uploaded file: a record, or why it cannot be one. `row` is 1-based, as a spreadsheet numbers rows. */
export type FileRow = { row: number; record: SourceRecord } | { row: number; id?: string; error: string };

/** The file as a whole cannot be read (no header, a duplicate column, no id column): nothing is imported. */
export class InvalidFileError extends AppError {
  constructor(message: string) {
    super('invalid_file', message, 400);
  }
}

/**
 * Reads an uploaded file row by row without holding its rows (the body itself is bounded by the route).
 * CSV (RFC 4180, a header row first, cells kept as text) or NDJSON (one JSON object per line). Each row
 * becomes a record keyed by `idColumn`; a row without an id, with bad JSON or repeating an earlier row's id
 * is reported with its row number and skipped, and the rest of the file is still read.
 */
export async function* readFileRows(body: Buffer, config: FileConfig, format: FileFormat): AsyncIterable<FileRow> {
  const firstRow = new Map<string, number>();
  const rows = format === 'csv' ? csvObjects(body, config.idColumn) : ndjsonObjects(body);
  for await (const r of rows) {
    if ('error' in r) {
      yield r;
      continue;
    }
    const out = toRecord(r.row, r.data, config);
    if ('record' in out) {
      const first = firstRow.get(out.record.id);
      if (first !== undefined) {
        yield { row: r.row, id: out.record.id, error: `duplicate id "${out.record.id}" (first on row ${first})` };
        continue;
      }
      firstRow.set(out.record.id, r.row);
    }
    yield out;
  }
}

type RawRow = { row: number; data: Record<string, unknown> } | { row: number; error: string };

function toRecord(row: number, raw: Record<string, unknown>, config: FileConfig): FileRow {
  const id = idOf(raw[config.idColumn]);
  if (id === undefined) return { row, error: `missing id (column "${config.idColumn}")` };
  if (id.length > MAX_ID_LENGTH) return { row, error: `id longer than ${MAX_ID_LENGTH} characters` };
  let updatedAt: string | undefined;
  const modified = config.modifiedColumn === undefined ? undefined : raw[config.modifiedColumn];
  if (modified !== undefined && modified !== null && modified !== '') {
    const t = typeof modified === 'string' || typeof modified === 'number' ? new Date(modified).getTime() : NaN;
    if (Number.isNaN(t)) return { row, id, error: `"${config.modifiedColumn}" is not a date: ${JSON.stringify(modified).slice(0, 100)}` };
    updatedAt = new Date(t).toISOString();
  }
  if (hasUnsafeInteger(raw)) return { row, id, error: `a number beyond ±${Number.MAX_SAFE_INTEGER} cannot be stored exactly: write it as a string` };
  const deleted = raw[META_COLUMNS.deleted] === true || raw[META_COLUMNS.deleted] === 'true';
  const data = Object.fromEntries(Object.entries(raw).filter(([k]) => !META.has(k)));
  return { row, record: { id, data, ...(updatedAt ? { updatedAt } : {}), ...(deleted ? { deleted } : {}) } };
}

/** DynamoDB's document client refuses a number JSON cannot hold exactly; iterative, so any depth is safe. */
function hasUnsafeInteger(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return true;
    if (v !== null && typeof v === 'object') stack.push(...Object.values(v));
  }
  return false;
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v;
  return undefined;
}

/** NDJSON: one object per line; blank lines are skipped but counted, so row numbers are line numbers. */
async function* ndjsonObjects(body: Buffer): AsyncIterable<RawRow> {
  let row = 0;
  for (let start = 0; start < body.length; ) {
    const nl = body.indexOf(0x0a, start);
    const end = nl < 0 ? body.length : nl;
    const line = body.toString('utf8', start, end).trim();
    start = end + 1;
    row++;
    if (!line) continue;
    let value: unknown;
    try {
      value = parseJson(line);
    } catch (err) {
      yield { row, error: err instanceof AppError ? err.message : 'not valid JSON' };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) yield { row, error: 'not a JSON object' };
    else yield { row, data: value as Record<string, unknown> };
  }
}

/**
 * CSV through csv-parse (quoted cells with commas, quotes and line breaks, a BOM). Rows are numbered as a
 * spreadsheet shows the file: the header is row 1 and a blank line is a row. A quote left open or closed in
 * the middle of a cell leaves the rest of the file unreadable: it is reported on its row and reading stops.
 */
async function* csvObjects(body: Buffer, idColumn: string): AsyncIterable<RawRow> {
  const parser = Readable.from([body]).pipe(csvParser({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let header: (string | undefined)[] | undefined;
  let row = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      row = info.records + info.empty_lines;
      if (!header) {
        header = readHeader(record, idColumn);
        continue;
      }
      if (record.length > header.length && record.slice(header.length).some((c) => c !== ''))
        yield { row, error: `the row has ${record.length} cells, the header ${header.length}` };
      else yield { row, data: Object.fromEntries(header.flatMap((h, i) => (h === undefined ? [] : [[h, record[i] ?? '']]))) };
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    yield { row: row + 1, error: `${(err as Error).message}; the rest of the file was not read` };
    return;
  }
  if (!header) throw new InvalidFileError('The file is empty: a CSV upload starts with a header row.');
}

/** Header names; a column with an empty name (a trailing comma) is left out. */
function readHeader(cells: string[], idColumn: string): (string | undefined)[] {
  const seen = new Set<string>();
  const header = cells.map((c) => (c.trim() === '' ? undefined : c));
  for (const h of header) {
    if (h === undefined) continue;
    if (seen.has(h)) throw new InvalidFileError(`The column "${h.slice(0, 200)}" appears twice in the header.`);
    seen.add(h);
  }
  if (!seen.has(idColumn))
    throw new InvalidFileError(`The id column "${idColumn}" is not in the header (${[...seen].slice(0, 50).map((h) => `"${h.slice(0, 100)}"`).join(', ')}).`);
  return header;
}
