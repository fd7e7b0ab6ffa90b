import { sqlPresetSpec } from '../database/preset';

/**
 * Genius CRM: a direct PostgreSQL connection to the Genius database (seed 001 "Genius Integration": tables
 * leads, prospects, appointments, users, divisions, contacts, division_groups; chunked reads; no rate limit).
 * Incremental on each table's `modified` column. Keys default to `id`; any table can be overridden in config.
 */
export const geniusSpec = sqlPresetSpec({
  type: 'genius',
  title: 'Genius CRM',
  description: 'Reads Genius CRM tables (leads, prospects, appointments, users, divisions, contacts, division groups) straight from its PostgreSQL database, incrementally on their modified column.',
  dialect: 'postgres',
  tables: ['leads', 'prospects', 'appointments', 'users', 'divisions', 'contacts', 'division_groups'],
  primaryKey: 'id',
  updatedAt: 'modified',
});
