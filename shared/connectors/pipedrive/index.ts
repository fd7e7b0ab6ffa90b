import * as z from 'zod';
import { apiKeyAuth } from '../../http/auth';
import { RecordWithIdSchema, restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { PIPEDRIVE_DATA_TYPES, PipedriveConfigSchema, pipedriveSpec, type PipedriveConfig } from './spec';

/**
 * Pipedrive v2 lists as data: `GET /{type}?limit=500&cursor=…` answers `{success, data, additional_data:
 * {next_cursor}}` (null on the last page); `updated_since` (inclusive, RFC 3339) with `sort_by=update_time`
 * ascending makes runs incremental. Deleted items are not listed by v2, so only a full run's deletion pass sees them.
 */
export function pipedriveStreamDef(name: string): RestStreamDef<PipedriveConfig> {
  return {
    name,
    path: `/${name}`,
    query: { sort_by: 'update_time', sort_direction: 'asc', limit: 500 },
    pagination: { kind: 'cursor', param: 'cursor', in: 'query', next: 'additional_data.next_cursor' },
    records: 'data',
    id: 'id',
    recordSchema: RecordWithIdSchema,
    incremental: { field: 'update_time', param: 'updated_since', in: 'query', format: 'iso', lookbackMs: 60_000 },
  };
}

/** `{"success": false, "error": "unauthorized access", …}` */
export function describePipedriveError(_status: number, body: unknown): string | undefined {
  return z.object({ error: z.string() }).safeParse(body).data?.error;
}

export const pipedrive: Connector<typeof PipedriveConfigSchema> = {
  ...pipedriveSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: apiKeyAuth(config.apiToken, { header: 'x-api-token' }), describeError: describePipedriveError }),
  streams: () => PIPEDRIVE_DATA_TYPES.map((name) => restStream(pipedriveStreamDef(name))),
  test: (ctx) => testConnection(ctx, { url: '/persons', query: { limit: 1 }, stream: 'test' }),
};
