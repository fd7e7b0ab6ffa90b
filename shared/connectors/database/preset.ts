import * as z from 'zod';
import { sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';
import { mergeTables } from './settings';
import { connectionFields, DATABASE_DEPLOY, IdentifierSchema, TableConfigSchema, type DialectName, type TableConfig } from './spec';

/**
 * A SQL preset: a vendor's database (Genius on PostgreSQL, MarketSharp on SQL Server) as the generic
 * connector with the dialect fixed and the vendor's tables as defaults. Declaration only, no driver.
 */

/** A per-table override: matched by name; a new name adds a table. `updatedAt: null` makes it full-only. */
export const PresetTableOverrideSchema = z.lazy(() =>
  TableConfigSchema.unwrap().partial().extend({
    name: IdentifierSchema,
    updatedAt: IdentifierSchema.nullable().optional(),
  }),
);

export const SqlPresetConfigSchema = z.lazy(() =>
  z.object({
    ...connectionFields(),
    host: sendsSecrets(z.string().min(1)),
    database: z.string().min(1),
    username: z.string().min(1),
    tables: z.array(PresetTableOverrideSchema).optional(),
  }),
);
export type SqlPresetConfig = z.infer<typeof SqlPresetConfigSchema>;

export interface SqlPresetSpec extends ConnectorSpec<typeof SqlPresetConfigSchema> {
  dialect: DialectName;
  /** The vendor's tables with their keys and last-modified columns. */
  tables: TableConfig[];
}

/** The preset's tables with the config's overrides applied. */
export function presetTables(defaults: TableConfig[], config: Pick<SqlPresetConfig, 'tables'>): TableConfig[] {
  const overrides = (config.tables ?? []).map((t) => ({ ...t, updatedAt: t.updatedAt === null ? undefined : t.updatedAt }));
  const merged = mergeTables(defaults, overrides);
  // an explicit null switches incremental off for that table
  for (const t of config.tables ?? []) if (t.updatedAt === null) delete merged.find((m) => m.name === t.name)!.updatedAt;
  return merged;
}

export function sqlPresetSpec(p: { type: string; title: string; description: string; dialect: DialectName; tables: string[]; primaryKey: string; updatedAt: string }): SqlPresetSpec {
  const tables = p.tables.map((name) => ({ name, primaryKey: p.primaryKey, updatedAt: p.updatedAt }));
  return {
    type: p.type,
    title: p.title,
    description: p.description,
    dialect: p.dialect,
    tables,
    configSchema: SqlPresetConfigSchema,
    dataTypes: (config) => presetTables(tables, config).map((t) => t.name),
    defaultDataTypes: tables.map((t) => t.name),
    deploy: DATABASE_DEPLOY,
  };
}
