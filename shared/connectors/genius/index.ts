import { ValidationError } from '../../errors';
import type { Connector } from '../types';
import { sqlConnector } from '../database/connector';
import { postgres } from '../database/dialects/postgres';
import type { DbSettings } from '../database/settings';
import { PAGE_SIZE_DEFAULT } from '../database/spec';
import { GeniusConfigSchema, geniusSpec, geniusTables, type GeniusConfig } from './spec';

export function geniusSettings(config: GeniusConfig): DbSettings {
  const parsed = GeniusConfigSchema.safeParse(config);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`The Genius config is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  const c = parsed.data;
  return { ...c, dialect: 'postgres', pageSize: c.pageSize ?? PAGE_SIZE_DEFAULT, tables: geniusTables(c) };
}

/** Genius CRM over PostgreSQL: only the `pg` driver is bundled. */
export const genius: Connector<typeof GeniusConfigSchema> = sqlConnector(geniusSpec, geniusSettings, { postgres });
