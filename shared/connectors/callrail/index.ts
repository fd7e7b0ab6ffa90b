import * as z from 'zod';
import { bearerAuth } from '../../http/auth';
import { redact } from '../../log';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { CALLRAIL_DATA_TYPES, CallrailConfigSchema, callrailSpec, type CallrailConfig, type CallrailDataType } from './spec';

/**
 * CallRail v3 as data. Every list is `GET /a/{account_id}/{resource}.json?page&per_page`, answering
 * `{page, per_page, total_pages, total_records, <resource>: [...]}`; we stop at `total_pages`.
 * Calls, form submissions and text conversations are incremental through `start_date` (ISO 8601), sorted
 * ascending where the API sorts by that time, so records added mid-run land on pages not read yet. Without
 * a `start_date` those lists default to `date_range=recent` (the last 30 days), so full runs send `all_time`.
 * https://apidocs.callrail.com/#offset-pagination https://apidocs.callrail.com/#filtering
 */
interface Resource {
  /** File name under /a/{account_id}/: text messages live at `text-messages.json`, not `text_messages.json`. */
  file: string;
  /** The array key, which is the resource's plural (text messages come as `conversations`). */
  records: string;
  /** Largest page: 250 for calls, 100 elsewhere. */
  size: number;
  /** The record's time that `start_date` selects by, and the `sort` field for it when the API has one. */
  since?: { field: string; sort?: string };
}

export const CALLRAIL_RESOURCES: Record<CallrailDataType, Resource> = {
  calls: { file: 'calls.json', records: 'calls', size: 250, since: { field: 'start_time', sort: 'start_time' } },
  companies: { file: 'companies.json', records: 'companies', size: 100 },
  trackers: { file: 'trackers.json', records: 'trackers', size: 100 },
  form_submissions: { file: 'form_submissions.json', records: 'form_submissions', size: 100, since: { field: 'submitted_at', sort: 'submitted_at' } },
  // Sorting conversations is not documented: the mark is the newest last_message_at wherever it comes.
  text_messages: { file: 'text-messages.json', records: 'conversations', size: 100, since: { field: 'last_message_at' } },
  users: { file: 'users.json', records: 'users', size: 100 },
  tags: { file: 'tags.json', records: 'tags', size: 100 },
};

export const CallrailRecordSchema = z.looseObject({ id: z.union([z.string().min(1), z.number()]) });

/** CallRail answers errors as `{"error": "…"}`, and a refused token as Rails' plain `HTTP Token: Access denied.` */
export function describeCallrailError(_status: number, body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().split('\n')[0].slice(0, 200) || undefined;
  const r = z.object({ error: z.string() }).safeParse(body);
  return r.success ? r.data.error : undefined;
}

export function callrailStreamDef(name: CallrailDataType, config: CallrailConfig): RestStreamDef<CallrailConfig> {
  const r = CALLRAIL_RESOURCES[name];
  return {
    name,
    path: `/a/${encodeURIComponent(config.accountId)}/${r.file}`,
    query: r.since?.sort ? { sort: r.since.sort, order: 'asc' } : {},
    pagination: { kind: 'page', param: 'page', sizeParam: 'per_page', size: r.size, start: 1, totalPages: 'total_pages', in: 'query' },
    records: r.records,
    id: 'id',
    recordSchema: CallrailRecordSchema,
    unbounded: r.since && { date_range: 'all_time' },
    incremental: r.since && { field: r.since.field, param: 'start_date', in: 'query', format: 'iso-offset', lookbackMs: config.lookbackMinutes * 60_000 },
  };
}

export const callrail: Connector<typeof CallrailConfigSchema> = {
  ...callrailSpec,
  http: (config) => {
    redact(config.apiKey);
    return {
      baseUrl: config.baseUrl,
      // https://apidocs.callrail.com/#authorization: `Authorization: Token token="{api_key}"`.
      auth: bearerAuth(`token="${config.apiKey}"`, 'Token'),
      describeError: describeCallrailError,
    };
  },
  streams: (config) => CALLRAIL_DATA_TYPES.map((name) => restStream(callrailStreamDef(name, config))),
  // Retrieving the configured account proves the key and that it reaches this account.
  test: (ctx) => testConnection(ctx, { url: `/a/${encodeURIComponent(ctx.config.accountId)}.json`, stream: 'test' }),
};
