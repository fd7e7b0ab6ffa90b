import type { Connector } from '../types';
import { sqlConnector } from './connector';
import { allDialects } from './dialects';
import type { DbSettings } from './settings';
import { DatabaseConfigSchema, databaseSpec, PAGE_SIZE_DEFAULT, type DatabaseConfig } from './spec';

export function databaseSettings(config: DatabaseConfig): DbSettings {
  return { ...config, pageSize: config.pageSize ?? PAGE_SIZE_DEFAULT };
}

/** The External Database connector: see spec.ts for the config and README "External databases" for behaviour. */
export const database: Connector<typeof DatabaseConfigSchema> = sqlConnector(databaseSpec, databaseSettings, allDialects);
