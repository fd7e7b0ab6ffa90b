/**
 * The fixed allowlist of SalesPro tables this connector reads through Athena. Table and column names in the
 * SQL we send come only from here, never from config or user input; values go through ExecutionParameters.
 *
 * Column names are our assumption about SalesPro's Athena export (snake_case, one `<entity>_id` key and an
 * `updated_at` timestamp per table); the seeds name the four entities but not their columns. A deployment
 * whose export differs changes this file, not the config.
 *
 * | data type           | table               | id column              | updated-at column |
 * |---------------------|---------------------|------------------------|-------------------|
 * | credit_applications | credit_applications | credit_application_id  | updated_at        |
 * | customers           | customers           | customer_id            | updated_at        |
 * | estimates           | estimates           | estimate_id            | updated_at        |
 * | lead_results        | lead_results        | lead_result_id         | updated_at        |
 *
 * The updated-at column must be an Athena `timestamp` (compared with `CAST(? AS timestamp)`), read as UTC.
 */
export interface SalesProTable {
  table: string;
  idColumn: string;
  updatedAtColumn: string;
}

export const SALESPRO_TABLES = {
  credit_applications: { table: 'credit_applications', idColumn: 'credit_application_id', updatedAtColumn: 'updated_at' },
  customers: { table: 'customers', idColumn: 'customer_id', updatedAtColumn: 'updated_at' },
  estimates: { table: 'estimates', idColumn: 'estimate_id', updatedAtColumn: 'updated_at' },
  lead_results: { table: 'lead_results', idColumn: 'lead_result_id', updatedAtColumn: 'updated_at' },
} as const satisfies Record<string, SalesProTable>;

export type SalesProDataType = keyof typeof SALESPRO_TABLES;
export const SALESPRO_DATA_TYPES = Object.keys(SALESPRO_TABLES) as SalesProDataType[];

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quotes an allowlisted identifier; anything else is a programming error, never user input. */
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
  const where = incremental ? ` WHERE ${quoteIdent(t.updatedAtColumn)} >= CAST(? AS timestamp)` : '';
  return `SELECT * FROM ${quoteIdent(t.table)}${where}`;
}
