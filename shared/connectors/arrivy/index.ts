import * as z from 'zod';
import { apiKeyAuth, type Auth } from '../../http/auth';
import { restStream, testConnection, type Partition, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { ARRIVY_DATA_TYPES, ArrivyConfigSchema, arrivySpec, type ArrivyConfig, type ArrivyDataType } from './spec';

/**
 * Arrivy as data. Lists answer a bare JSON array. Tasks page with `page` + `items_per_page` (default and
 * our size 500; a short page is the last) and filter by scheduled start with `from`/`to`
 * (`YYYY-MM-DDTHH:mm:ssZZ`, the `+` URL-encoded).
 *
 * What "changed" means here: the API has no "updated since" filter, only the scheduled-start window. So an
 * incremental run re-reads every task starting at or after (the previous run's start − lookbackDays), with
 * no upper bound; the writer's hash compare keeps unchanged tasks from being written again, and a task's
 * `updated` time is its source timestamp. Edits to tasks that started before that window are left to the
 * next full run. (Arrivy API docs: Tasks → List all tasks.)
 *
 * The list holds scheduled tasks only; unscheduled ones (no start yet) come with `unscheduled=true` alone, so
 * tasks are read in two partitions, the unscheduled one whole each run (it has no start to filter on).
 */
const TASK_PARTITIONS: Partition[] = [{ id: 'scheduled' }, { id: 'unscheduled', query: { unscheduled: true }, unbounded: true }];

export const ArrivyRecordSchema = z.looseObject({ id: z.union([z.number(), z.string().min(1)]) });

export function describeArrivyError(_status: number, body: unknown): string | undefined {
  const r = z.object({ message: z.string() }).or(z.object({ error: z.string() })).safeParse(body);
  return r.success ? ('message' in r.data ? r.data.message : r.data.error) : undefined;
}

export function arrivyStreamDef(name: ArrivyDataType, config: ArrivyConfig): RestStreamDef<ArrivyConfig> {
  const base = { name, path: `/${name}`, records: '', id: 'id', recordSchema: ArrivyRecordSchema } as const;
  if (name !== 'tasks') return { ...base, pagination: { kind: 'none' } };
  return {
    ...base,
    pagination: { kind: 'page', param: 'page', sizeParam: 'items_per_page', size: 500, start: 1, in: 'query' },
    partitions: async () => TASK_PARTITIONS,
    incremental: { field: 'updated', param: 'from', in: 'query', format: 'iso-offset', lookbackMs: config.lookbackDays * 86_400_000, mark: 'run-start' },
  };
}

/** Both headers on every request. */
function arrivyAuth(config: ArrivyConfig): Auth {
  const key = apiKeyAuth(config.authKey, { header: 'X-Auth-Key' });
  const token = apiKeyAuth(config.authToken, { header: 'X-Auth-Token' });
  return {
    apply(headers, query) {
      key.apply(headers, query);
      token.apply(headers, query);
    },
  };
}

export const arrivy: Connector<typeof ArrivyConfigSchema> = {
  ...arrivySpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: arrivyAuth(config), describeError: describeArrivyError }),
  streams: (config) => ARRIVY_DATA_TYPES.map((name) => restStream(arrivyStreamDef(name, config))),
  // One task is the cheapest authenticated read.
  test: (ctx) => testConnection(ctx, { url: '/tasks', query: { page: 1, items_per_page: 1 }, stream: 'test' }),
};
