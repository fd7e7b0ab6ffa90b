import { z } from 'zod';
import { connectionFields, DATABASE_DEPLOY, IdentifierSchema, TableConfigSchema, type TableConfig } from '../database/spec';
import { mergeTables } from '../database/settings';
import type { ConnectorSpec } from '../types';

/**
 * Genius CRM: a direct PostgreSQL connection to the Genius database (seed 001 "Genius Integration": tables
 * leads, prospects, appointments, users, divisions, contacts, division_groups; chunked reads; no rate limit).
 * Incremental on each table's `modified` column. Keys default to `id`; any table can be overridden in config.
 */
export const GENIUS_TABLES: TableConfig[] = ['leads', 'prospects', 'appointments', 'users', 'divisions', 'contacts', 'division_groups'].map(
  (name) => ({ name, primaryKey: 'id', updatedAt: 'modified' }),
);

/** A per-table override: matched by name; a new name adds a table. `updatedAt: null` makes it full-only. */
export const GeniusTableOverrideSchema = TableConfigSchema.partial().extend({
  name: IdentifierSchema,
  updatedAt: IdentifierSchema.nullable().optional(),
});

export const GeniusConfigSchema = z.object({
  ...connectionFields,
  host: z.string().min(1),
  database: z.string().min(1),
  username: z.string().min(1),
  tables: z.array(GeniusTableOverrideSchema).optional(),
});
export type GeniusConfig = z.infer<typeof GeniusConfigSchema>;

export function geniusTables(config: Pick<GeniusConfig, 'tables'>): TableConfig[] {
  const overrides = (config.tables ?? []).map((t) => ({ ...t, updatedAt: t.updatedAt === null ? undefined : t.updatedAt }));
  const merged = mergeTables(GENIUS_TABLES, overrides);
  // an explicit null switches incremental off for that table
  for (const t of config.tables ?? []) if (t.updatedAt === null) delete merged.find((m) => m.name === t.name)!.updatedAt;
  return merged;
}

export const geniusSpec: ConnectorSpec<typeof GeniusConfigSchema> = {
  type: 'genius',
  title: 'Genius CRM',
  description: 'Reads Genius CRM tables (leads, prospects, appointments, users, divisions, contacts, division groups) straight from its PostgreSQL database, incrementally on their modified column.',
  configSchema: GeniusConfigSchema,
  dataTypes: (config) => geniusTables(config).map((t) => t.name),
  defaultDataTypes: GENIUS_TABLES.map((t) => t.name),
  deploy: DATABASE_DEPLOY,
};
