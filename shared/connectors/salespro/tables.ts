import * as z from 'zod';
import { SourceError } from '../../errors';

/**
 * The four SalesPro entities (seed 001) and how each maps to an Athena table. The seeds name the entities but
 * not their columns, so each table's name, id column and updated-at column are configurable
 * (`tables: { estimates: { idColumn: 'id' } }`) and, where not configured, found in the table's own columns
 * from the catalog: `<entity>_id`, else `id`; `updated_at`, else `modified`, else `last_modified`. Only names
 * the catalog lists are ever quoted into SQL; values go through ExecutionParameters.
 *
 * The updated-at column must be an Athena `timestamp` (compared with `CAST(? AS timestamp)`), read as UTC; a
 * table without one is read in full each run.
 */
export const SALESPRO_ENTITIES = {
  credit_applications: 'credit_application',
  customers: 'customer',
  estimates: 'estimate',
  lead_results: 'lead_result',
} as const;

export type SalesProDataType = keyof typeof SALESPRO_ENTITIES;
export const SALESPRO_DATA_TYPES = Object.keys(SALESPRO_ENTITIES) as SalesProDataType[];

const IDENT = /^[a-z_][a-z0-9_]*$/;
const Ident = () => z.string().regex(IDENT, 'a lower-case identifier (letters, digits, underscores)').max(255);

export const TableOverrideSchema = z.lazy(() => z.object({ table: Ident().optional(), idColumn: Ident().optional(), updatedAtColumn: Ident().optional() }).strict());
export const TablesSchema = z.lazy(() => z.object(Object.fromEntries(SALESPRO_DATA_TYPES.map((t) => [t, TableOverrideSchema.optional()])) as Record<SalesProDataType, z.ZodOptional<typeof TableOverrideSchema>>).strict());
export type TableOverride = z.infer<typeof TableOverrideSchema>;

/** A table as the queries use it: every name checked against the catalog. */
export interface SalesProTable {
  table: string;
  idColumn: string;
  updatedAtColumn?: string;
}

const UPDATED_AT_CANDIDATES = ['updated_at', 'modified', 'last_modified'];

/**
 * Resolves one data type's table against the columns the catalog lists for it (Athena GetTableMetadata):
 * configured names must exist; missing ones default to the first candidate the table has.
 */
export function resolveTable(dataType: SalesProDataType, override: TableOverride | undefined, columns: string[]): SalesProTable {
  const table = override?.table ?? dataType;
  const has = new Set(columns);
  const known = () => columns.join(', ');
  const pick = (configured: string | undefined, candidates: string[], role: string): string | undefined => {
    if (configured === undefined) return candidates.find((c) => has.has(c));
    if (!has.has(configured)) throw new SourceError('schema_mismatch', `SalesPro table ${table} has no column ${configured} (the ${role} of tables.${dataType}); its columns: ${known()}`);
    return configured;
  };
  const idColumn = pick(override?.idColumn, [`${SALESPRO_ENTITIES[dataType]}_id`, 'id'], 'idColumn');
  if (!idColumn) throw new SourceError('schema_mismatch', `SalesPro table ${table} has neither ${SALESPRO_ENTITIES[dataType]}_id nor id; set tables.${dataType}.idColumn (its columns: ${known()})`);
  return { table, idColumn, updatedAtColumn: pick(override?.updatedAtColumn, UPDATED_AT_CANDIDATES, 'updatedAtColumn') };
}

/** Quotes an identifier already checked against the catalog; anything else is a programming error. */
export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`identifier not allowed: ${name}`);
  return `"${name}"`;
}

/**
 * The SELECT for one table. With `since`, one `?` placeholder bound through ExecutionParameters
 * (https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html): `>=` rather than `>`
 * so rows sharing the high-water mark's timestamp are read again (records are upserts by id, so that is safe).
 */
export function selectSql(t: SalesProTable, incremental: boolean): string {
  const where = incremental && t.updatedAtColumn ? ` WHERE ${quoteIdent(t.updatedAtColumn)} >= CAST(? AS timestamp)` : '';
  return `SELECT * FROM ${quoteIdent(t.table)}${where}`;
}
