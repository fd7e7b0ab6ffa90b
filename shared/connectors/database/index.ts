import { ValidationError } from '../../errors';
import type { Connector } from '../types';
import { sqlConnector } from './connector';
import { allDialects } from './dialects';
import type { DbSettings } from './settings';
import { DatabaseConfigSchema, databaseSpec, PAGE_SIZE_DEFAULT, type DatabaseConfig } from './spec';

/** Parses the config (the worker may hand it over raw) and fills the defaults. */
export function databaseSettings(config: DatabaseConfig): DbSettings {
  const parsed = DatabaseConfigSchema.safeParse(config);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`The database config is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  return { ...parsed.data, pageSize: parsed.data.pageSize ?? PAGE_SIZE_DEFAULT };
}

/** The External Database connector: see spec.ts for the config and README "External databases" for behaviour. */
export const database: Connector<typeof DatabaseConfigSchema> = sqlConnector(databaseSpec, databaseSettings, allDialects);
