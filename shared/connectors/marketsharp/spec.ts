import { sqlPresetSpec } from '../database/preset';

/**
 * MarketSharp: a direct Microsoft SQL Server connection (seed 001 "MarketSharp: Direct MSSQL, no limit").
 * The default tables follow MarketSharp's own entities (contacts, inquiries = leads, appointments, jobs) with
 * `id` keys and a `lastUpdate` column; the physical names vary per deployment, so every table can be overridden.
 */
export const marketsharpSpec = sqlPresetSpec({
  type: 'marketsharp',
  title: 'MarketSharp',
  description: 'Reads MarketSharp contacts, inquiries, appointments and jobs straight from its SQL Server database, incrementally on their last-update column.',
  dialect: 'mssql',
  tables: ['contacts', 'inquiries', 'appointments', 'jobs'],
  primaryKey: 'id',
  updatedAt: 'lastUpdate',
});
