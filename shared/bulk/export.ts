import { META_COLUMNS } from '../connectors/file/parse';
import { AppError } from '../errors';
import { recordView } from '../services/views';
import type { StoredRecord } from '../store/record-item';
import type { RecordFilter, RecordStore } from '../store/records';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest extends RecordFilter {
  dataType: string;
  format: ExportFormat;
}

export interface ExportFile {
  contentType: string;
  filename: string;
  /** The file, one chunk per page of records, each read only when the previous chunk was taken. */
  chunks: AsyncIterable<string>;
}

/** Records read per Query page, hence per chunk. */
export const EXPORT_PAGE_SIZE = 500;
/** A CSV header is the union of the records' fields: past this many, NDJSON is the format for the data. */
export const MAX_CSV_COLUMNS = 1000;

/**
 * Every record of a data type as NDJSON (one Integration Data Object per line, as `GET …/data` shows it) or
 * CSV, in constant memory: records are read a page at a time as the consumer takes the chunks. A CSV needs
 * its header first, so its records are read twice: once for the union of their top-level fields, then for
 * the rows (a field first written between the two reads is left out).
 */
export async function openExport(records: RecordStore, integrationId: string, req: ExportRequest): Promise<ExportFile> {
  const name = req.dataType.replace(/[^A-Za-z0-9_.-]/g, '_');
  const pages = (projection?: string[]) => records.pages(integrationId, { ...req, pageSize: EXPORT_PAGE_SIZE, projection });
  if (req.format === 'ndjson') {
    return { contentType: 'application/x-ndjson', filename: `${name}.ndjson`, chunks: mapPages(pages(), (r) => JSON.stringify(recordView(r)) + '\n') };
  }
  const columns = csvColumns(await dataFields(pages(['data', 'dataJson'])), req.includeDeleted ?? false);
  return {
    contentType: 'text/csv; charset=utf-8',
    filename: `${name}.csv`,
    chunks: (async function* () {
      yield csvLine(columns.map((c) => c.name));
      yield* mapPages(pages(), (r) => csvLine(columns.map((c) => c.cell(r))));
    })(),
  };
}

async function* mapPages(pages: AsyncIterable<StoredRecord[]>, line: (r: StoredRecord) => string): AsyncIterable<string> {
  for await (const page of pages) if (page.length) yield page.map(line).join('');
}

/** Top-level field names in the order they first appear. */
async function dataFields(pages: AsyncIterable<StoredRecord[]>): Promise<string[]> {
  const names = new Set<string>();
  for await (const page of pages)
    for (const r of page)
      for (const k of Object.keys(r.data ?? {})) {
        names.add(k);
        if (names.size > MAX_CSV_COLUMNS)
          throw new AppError('too_many_columns', `These records have more than ${MAX_CSV_COLUMNS} distinct fields, too many for a CSV header: export them as NDJSON.`, 400);
      }
  return [...names];
}

interface Column {
  name: string;
  cell(r: StoredRecord): string;
}

/**
 * The record's id and when it last changed (and whether it is deleted, when deleted records are included),
 * then its fields. A field named like one of ours is headed `data.<name>`.
 */
function csvColumns(fields: string[], includeDeleted: boolean): Column[] {
  const meta = new Set<string>(Object.values(META_COLUMNS));
  return [
    { name: META_COLUMNS.externalId, cell: (r) => r.externalId },
    { name: META_COLUMNS.updatedAt, cell: (r) => r.updatedAt },
    ...(includeDeleted ? [{ name: META_COLUMNS.deleted, cell: (r: StoredRecord) => String(r.deleted ?? false) }] : []),
    ...fields.map((f) => ({ name: meta.has(f) ? `data.${f}` : f, cell: (r: StoredRecord) => csvCell(r.data?.[f]) })),
  ];
}

/** Text as is, numbers and booleans as JSON writes them, objects and arrays as their JSON text, null and missing as empty. */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** One RFC 4180 line: a field holding a comma, quote or line break is quoted, its quotes doubled; CRLF ends it. */
export function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\r\n';
}
