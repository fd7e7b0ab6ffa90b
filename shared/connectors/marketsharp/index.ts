import { sqlPreset } from '../database/connector';
import { mssql } from '../database/dialects/mssql';
import { marketsharpSpec } from './spec';

/** MarketSharp over SQL Server: only the `mssql` driver is bundled. */
export const marketsharp = sqlPreset(marketsharpSpec, mssql);
