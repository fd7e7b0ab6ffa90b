import type { SourceError } from '../../errors';
import type { DialectName } from './spec';
import type { DbSettings } from './settings';

export type Row = Record<string, unknown>;

/** One open connection. Every reader and connection test opens one and closes it (Lambda-friendly: nothing lingers). */
export interface Session {
  query(sql: string, params: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** How a column's values are turned into JSON (see convert.ts). */
export type ColumnKind =
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'bool'
  | 'timestamp'
  | 'timestamptz'
  | 'date'
  | 'json'
  | 'bytes'
  | 'text'
  | 'other';

export interface ColumnInfo {
  /** Spelled as the catalog spells it: that is the name we quote, never the raw config string. */
  name: string;
  dataType: string;
  kind: ColumnKind;
}

export interface TableInfo {
  schema: string;
  name: string;
  columns: ColumnInfo[];
}

/** A configured table checked against the catalog. */
export interface ResolvedTable {
  schema: string;
  name: string;
  pk: ColumnInfo;
  updatedAt?: ColumnInfo;
  /** Columns read, in catalog order (always includes pk and updatedAt). */
  select: ColumnInfo[];
}

export interface SelectParts {
  columns: string;
  from: string;
  where?: string;
  orderBy: string;
}

/**
 * Everything that differs between SQL engines: driver, identifier quoting, placeholders, row limits, catalog
 * lookups, cursor binding and error wording. The driver is loaded inside `connect`, so a preset bundles only its own.
 */
export interface Dialect {
  name: DialectName;
  /** Network dialects only: a dialect without a port reads a local file (SQLite). */
  defaultPort?: number;
  defaultSchema(settings: DbSettings): string;
  connect(settings: DbSettings): Promise<Session>;
  /** Quotes an identifier by the engine's rules (the name has already been found in the catalog). */
  quote(identifier: string): string;
  /** The placeholder of the n-th (1-based) bound value. */
  param(index: number): string;
  /** A SELECT returning at most `limit` rows (LIMIT or TOP). */
  select(parts: SelectParts, limit: number): string;
  /** Columns of `schema.table` from the engine's catalog, or null when there is no such table. */
  describe(session: Session, schema: string, table: string): Promise<TableInfo | null>;
  /** The select-list expression of a column (MSSQL converts dates/decimals to exact text here). */
  selectExpr(column: ColumnInfo): string;
  /** A cursor value (JSON) back into a driver parameter for comparisons with `column`. */
  bind(value: unknown, column: ColumnInfo): unknown;
  /** An ISO date as a parameter comparable with `column` (ctx.since). */
  sinceValue(iso: string, column: ColumnInfo, session: Session, from: string): Promise<unknown>;
  /** A driver's connect error as a SourceError with a clear message and no secret. */
  connectionError(err: unknown, settings: DbSettings): SourceError;
}
