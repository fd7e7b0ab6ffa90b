import { z } from 'zod';
import { connectionFields, DATABASE_DEPLOY, IdentifierSchema, TableConfigSchema, type TableConfig } from '../database/spec';
import { mergeTables } from '../database/settings';
import type { ConnectorSpec } from '../types';

/**
 * MarketSharp: a direct Microsoft SQL Server connection (seed 001 "MarketSharp: Direct MSSQL, no limit").
 * The default tables follow MarketSharp's own entities (contacts, inquiries = leads, appointments, jobs) with
 * `id` keys and a `lastUpdate` column; the physical names vary per deployment, so every table can be overridden.
 */
export const MARKETSHARP_TABLES: TableConfig[] = ['contacts', 'inquiries', 'appointments', 'jobs'].map((name) => ({
  name,
  primaryKey: 'id',
  updatedAt: 'lastUpdate',
}));

export const MarketSharpTableOverrideSchema = TableConfigSchema.partial().extend({
  name: IdentifierSchema,
  updatedAt: IdentifierSchema.nullable().optional(),
});

export const MarketSharpConfigSchema = z.object({
  ...connectionFields,
  host: z.string().min(1),
  database: z.string().min(1),
  username: z.string().min(1),
  tables: z.array(MarketSharpTableOverrideSchema).optional(),
});
export type MarketSharpConfig = z.infer<typeof MarketSharpConfigSchema>;

export function marketsharpTables(config: Pick<MarketSharpConfig, 'tables'>): TableConfig[] {
  const overrides = (config.tables ?? []).map((t) => ({ ...t, updatedAt: t.updatedAt === null ? undefined : t.updatedAt }));
  const merged = mergeTables(MARKETSHARP_TABLES, overrides);
  for (const t of config.tables ?? []) if (t.updatedAt === null) delete merged.find((m) => m.name === t.name)!.updatedAt;
  return merged;
}

export const marketsharpSpec: ConnectorSpec<typeof MarketSharpConfigSchema> = {
  type: 'marketsharp',
  title: 'MarketSharp',
  description: 'Reads MarketSharp contacts, inquiries, appointments and jobs straight from its SQL Server database, incrementally on their last-update column.',
  configSchema: MarketSharpConfigSchema,
  dataTypes: (config) => marketsharpTables(config).map((t) => t.name),
  defaultDataTypes: MARKETSHARP_TABLES.map((t) => t.name),
  deploy: DATABASE_DEPLOY,
};
