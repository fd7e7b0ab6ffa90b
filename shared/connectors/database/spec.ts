import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec, DeployNeeds } from '../types';

/**
 * The External Database connector (seed 000 §5): MySQL, PostgreSQL, SQLite, MariaDB, plus MSSQL for
 * MarketSharp (seed 001). Declaration only: no driver is imported here, so the API bundle stays small.
 */
export const DIALECTS = ['postgres', 'mysql', 'mariadb', 'sqlite', 'mssql'] as const;
export const DialectNameSchema = z.lazy(() => z.enum(DIALECTS));
export type DialectName = z.infer<typeof DialectNameSchema>;

/** A table or column name as configured. It is checked against the database's own catalog before use. */
export const IdentifierSchema = z.lazy(() =>
  z
    .string()
    .min(1)
    .max(128)
    .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character'),
);

export const SslSchema = z.lazy(() =>
  z.union([
    z.boolean(),
    z.object({
      rejectUnauthorized: z.boolean().optional(),
      /** PEM of the CA that signed the server certificate (RDS bundles, self-hosted CAs). */
      ca: z.string().optional(),
    }),
  ]),
);
export type Ssl = z.infer<typeof SslSchema>;

export const TableConfigSchema = z.lazy(() =>
  z.object({
    /** The table (or view); it is also the data type (stream) name. */
    name: IdentifierSchema,
    /** A unique, non-null column: records are keyed by it and pages are keyset-paginated on it. */
    primaryKey: IdentifierSchema,
    /** A last-modified column: enables incremental sync. Without it every run reads the whole table. */
    updatedAt: IdentifierSchema.optional(),
    /** Schema (PostgreSQL/MSSQL namespace) when it differs from the config's. */
    schema: IdentifierSchema.optional(),
    /** Only these columns (the primary key and updatedAt are always read). Default: every column. */
    columns: z.array(IdentifierSchema).optional(),
  }),
);
export type TableConfig = z.infer<typeof TableConfigSchema>;

export const PAGE_SIZE_DEFAULT = 1000;
export const PageSizeSchema = z.lazy(() => z.coerce.number().int().min(1).max(50_000));

/** Connection fields shared by the generic connector and its presets (Genius, MarketSharp). */
export const connectionFields = () => ({
  host: sendsSecrets(z.string().min(1).optional()),
  port: sendsSecrets(z.coerce.number().int().min(1).max(65_535).optional()),
  database: z.string().min(1).optional(),
  username: z.string().optional(),
  password: secret(z.string()).optional(),
  ssl: SslSchema.optional(),
  /** Default schema for the tables: `public` on PostgreSQL, `dbo` on MSSQL, the database on MySQL/MariaDB. */
  schema: IdentifierSchema.optional(),
  /** Rows per page (one SELECT each). */
  pageSize: PageSizeSchema.optional(),
});

export const DatabaseConfigSchema = z.lazy(() =>
  z
    .object({
      dialect: DialectNameSchema,
      ...connectionFields(),
      /** SQLite only: path of the database file (opened read-only). */
      filename: z.string().min(1).optional(),
      tables: z.array(TableConfigSchema).min(1),
    })
    .superRefine((c, ctx) => {
      if (c.dialect === 'sqlite') {
        if (!c.filename) ctx.addIssue({ code: 'custom', path: ['filename'], message: 'filename is required for sqlite' });
      } else {
        if (!c.host) ctx.addIssue({ code: 'custom', path: ['host'], message: `host is required for ${c.dialect}` });
        if (!c.database) ctx.addIssue({ code: 'custom', path: ['database'], message: `database is required for ${c.dialect}` });
      }
      const seen = new Set<string>();
      c.tables.forEach((t, i) => {
        if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tables', i, 'name'], message: `table "${t.name}" is listed twice` });
        seen.add(t.name);
      });
    }),
);
export type DatabaseConfig = z.infer<typeof DatabaseConfigSchema>;

/** Long table scans checkpoint per page, but a page of wide rows still needs memory and time. No extra IAM. */
export const DATABASE_DEPLOY: DeployNeeds = { timeout: 900, memorySize: 512, drivers: true };

export const databaseSpec: ConnectorSpec<typeof DatabaseConfigSchema> = {
  type: 'database',
  title: 'External Database',
  description:
    'Reads tables from PostgreSQL, MySQL, MariaDB, SQLite or Microsoft SQL Server with read-only SELECTs, keyset pagination and incremental sync on a last-modified column.',
  configSchema: DatabaseConfigSchema,
  dataTypes: (config) => config.tables.map((t) => t.name),
  defaultDataTypes: [],
  deploy: DATABASE_DEPLOY,
};
