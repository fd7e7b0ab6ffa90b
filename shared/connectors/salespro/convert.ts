import * as z from 'zod';

/**
 * Athena result rows → JSON values. Every cell arrives as a string (`VarCharValue`) or without one for NULL
 * (sometimes as `{}`); ColumnInfo.Type says how to read it.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 * https://docs.aws.amazon.com/athena/latest/ug/data-types.html
 */
export const DatumSchema = z.object({ VarCharValue: z.string().optional() }).loose();
export const RowSchema = z.object({ Data: z.array(DatumSchema).optional() }).loose();
export const ColumnInfoSchema = z.object({ Name: z.string(), Type: z.string() }).loose();
export const ResultsPageSchema = z
  .object({
    ResultSet: z.object({
      ResultSetMetadata: z.object({ ColumnInfo: z.array(ColumnInfoSchema) }).loose(),
      Rows: z.array(RowSchema).default([]),
    }).loose(),
    NextToken: z.string().min(1).optional(),
  })
  .loose();
/** GetTableMetadata's answer: https://docs.aws.amazon.com/athena/latest/APIReference/API_TableMetadata.html */
const CatalogColumnSchema = z.object({ Name: z.string().min(1) }).loose();
export const TableMetadataSchema = z
  .object({ TableMetadata: z.object({ Columns: z.array(CatalogColumnSchema).default([]), PartitionKeys: z.array(CatalogColumnSchema).default([]) }).loose() })
  .loose();
export type ColumnInfo = z.infer<typeof ColumnInfoSchema>;
export type Row = z.infer<typeof RowSchema>;

const INTEGER = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT = new Set(['double', 'float', 'real']);
const STRUCTURED = new Set(['json', 'array', 'map', 'row', 'struct']);

/** "decimal(10,2)" → "decimal"; "timestamp(3) with time zone" → "timestamp with time zone". */
function baseType(type: string): string {
  return type.toLowerCase().replace(/\(.*?\)/g, '').replace(/\s+/g, ' ').trim();
}

/** Athena's `timestamp` text ("2024-03-01 14:05:09.123") as ISO in UTC, fraction digits kept. */
export function athenaTimestampToIso(raw: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(raw.trim());
  return m ? `${m[1]}T${m[2]}Z` : undefined;
}

/** `timestamp with time zone` ("2024-03-01 14:05:09.123 UTC" or "... +02:00") as ISO in UTC; zone names other than UTC stay text. */
function zonedTimestampToIso(raw: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const zone = m[3] === 'UTC' || m[3] === 'Z' ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const d = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One cell. NULL (no VarCharValue) → null; a value we cannot read as its type stays its text. */
export function convertValue(raw: string | undefined, type: string): unknown {
  if (raw === undefined) return null;
  const t = baseType(type);
  if (t === 'varchar' || t === 'char' || t === 'string') return raw;
  if (raw === '') return null; // only text types have an empty value; elsewhere an empty cell is no value
  if (INTEGER.has(t)) {
    if (!/^-?\d+$/.test(raw)) return raw;
    const n = Number(raw);
    // Beyond 2^53 a JS number would silently change the value: keep bigints exact as text.
    return Number.isSafeInteger(n) ? n : raw;
  }
  if (FLOAT.has(t)) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw; // NaN / Infinity have no JSON form
  }
  if (t === 'decimal') return raw; // exact: a double would round money
  if (t === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (t === 'date') return raw;
  if (t === 'timestamp') return athenaTimestampToIso(raw) ?? raw;
  if (t === 'timestamp with time zone') return zonedTimestampToIso(raw) ?? raw;
  if (STRUCTURED.has(t)) {
    // json is JSON text; Athena renders array/map/row as "[1, 2]" / "{a=1}", which parse only sometimes.
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * For SELECTs the first row of the first page repeats the column names (undocumented; DDL results have no
 * such row), so compare it with ColumnInfo rather than dropping it blindly.
 */
export function isHeaderRow(row: Row | undefined, columns: ColumnInfo[]): boolean {
  const data = row?.Data;
  if (!data || data.length !== columns.length || columns.length === 0) return false;
  return data.every((d, i) => d.VarCharValue === columns[i].Name);
}

/** A row as `{column: value}`; cells missing at the end of a short row are null. */
export function rowToObject(row: Row, columns: ColumnInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    out[c.Name] = convertValue(row.Data?.[i]?.VarCharValue, c.Type);
  });
  return out;
}
