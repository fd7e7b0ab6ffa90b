import * as z from 'zod';
import { basicAuth } from '../../http/auth';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { LeadconduitConfigSchema, leadconduitSpec, type LeadconduitConfig } from './spec';

/**
 * LeadConduit as data: `GET /events?sort=asc&limit=1000&after_id=…` answers a bare JSON array of events,
 * oldest first; the last id of a page is the next `after_id` (exclusive) and a short page is the last.
 * Events are immutable snapshots, so an incremental run simply continues after the last id read. Ids are
 * BSON ObjectIds (24 hex, the first 8 the creation second), which lets the run start a minute before that
 * id, re-reading events another server committed a little late. `since` maps to `start` (created at or
 * after). https://developers.activeprospect.com/api-reference/leads/list-all-events
 */
export const LEADCONDUIT_LOOKBACK_MS = 60_000;

export const LeadconduitEventSchema = z.looseObject({ id: z.string().regex(/^[0-9a-fA-F]{24}$/, 'a 24-hex event id') });

/** The smallest ObjectId created `ms` before `id` was (an id that is no ObjectId is kept as is). */
export function objectIdBefore(id: string, ms: number): string {
  if (!/^[0-9a-fA-F]{24}$/.test(id)) return id;
  const seconds = Math.max(0, parseInt(id.slice(0, 8), 16) - Math.ceil(ms / 1000));
  return seconds.toString(16).padStart(8, '0') + '0'.repeat(16);
}

export function describeLeadconduitError(_status: number, body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().split('\n')[0].slice(0, 200) || undefined;
  const r = z.object({ message: z.string() }).or(z.object({ error: z.string() })).safeParse(body);
  return r.success ? ('message' in r.data ? r.data.message : r.data.error) : undefined;
}

export const leadconduitEventsDef: RestStreamDef<LeadconduitConfig> = {
  name: 'events',
  path: '/events',
  query: { sort: 'asc' },
  pagination: { kind: 'keyset', param: 'after_id', key: 'id', sizeParam: 'limit', size: 1000, in: 'query' },
  records: '',
  id: 'id',
  recordSchema: LeadconduitEventSchema,
  // end_timestamp (ms) is when the step finished: the record's source time. `start` takes `since`.
  incremental: { field: 'end_timestamp', param: 'start', in: 'query', format: 'iso', lookbackMs: LEADCONDUIT_LOOKBACK_MS },
  rewindKey: (id) => objectIdBefore(id, LEADCONDUIT_LOOKBACK_MS),
};

export const leadconduit: Connector<typeof LeadconduitConfigSchema> = {
  ...leadconduitSpec,
  // HTTP Basic with user name `API` and the key as password.
  http: (config) => ({ baseUrl: config.baseUrl, auth: basicAuth('API', config.apiKey), describeError: describeLeadconduitError }),
  streams: () => [restStream(leadconduitEventsDef)],
  // One event; free accounts have no access to leads and get a 401 here too, which is what a sync would get.
  test: (ctx) => testConnection(ctx, { url: '/events', query: { limit: 1 }, stream: 'test' }),
};
