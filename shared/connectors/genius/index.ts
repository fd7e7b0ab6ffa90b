import { sqlPreset } from '../database/connector';
import { postgres } from '../database/dialects/postgres';
import { geniusSpec } from './spec';

/** Genius CRM over PostgreSQL: only the `pg` driver is bundled. */
export const genius = sqlPreset(geniusSpec, postgres);
