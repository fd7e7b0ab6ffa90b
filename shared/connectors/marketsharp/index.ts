import { ValidationError } from '../../errors';
import type { Connector } from '../types';
import { sqlConnector } from '../database/connector';
import { mssql } from '../database/dialects/mssql';
import type { DbSettings } from '../database/settings';
import { PAGE_SIZE_DEFAULT } from '../database/spec';
import { MarketSharpConfigSchema, marketsharpSpec, marketsharpTables, type MarketSharpConfig } from './spec';

export function marketsharpSettings(config: MarketSharpConfig): DbSettings {
  const parsed = MarketSharpConfigSchema.safeParse(config);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`The MarketSharp config is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  const c = parsed.data;
  return { ...c, dialect: 'mssql', pageSize: c.pageSize ?? PAGE_SIZE_DEFAULT, tables: marketsharpTables(c) };
}

/** MarketSharp over SQL Server: only the `mssql` driver is bundled. */
export const marketsharp: Connector<typeof MarketSharpConfigSchema> = sqlConnector(marketsharpSpec, marketsharpSettings, { mssql });
