import * as z from 'zod';
import { basicAuth } from '../../http/auth';
import { partitionsFrom, RecordWithIdSchema, restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { MAILCHIMP_DATA_TYPES, MailchimpConfigSchema, mailchimpDc, mailchimpSpec, type MailchimpConfig } from './spec';

/**
 * Mailchimp lists page by `offset` + `count` (≤ 1000) under the resource's own key. Members live under each
 * audience (`/lists/{id}/members`), so that stream is read once per audience; a member's id (the MD5 of its
 * email) is unique only within its audience, so ours is `{list_id}:{id}`. Members filter by
 * `since_last_changed`; audiences and campaigns have no modification filter and are read in full.
 */
const offset = { kind: 'offset', param: 'offset', sizeParam: 'count', size: 1000, in: 'query' } as const;
/** Hypermedia links are most of each page and none of the data (Mailchimp recommends trimming them). */
const trim = (key: string) => ({ exclude_fields: `_links,${key}._links` });

const lists: RestStreamDef<MailchimpConfig> = { name: 'lists', path: '/lists', query: trim('lists'), pagination: offset, records: 'lists', id: 'id', recordSchema: RecordWithIdSchema };

const DEFS: Record<(typeof MAILCHIMP_DATA_TYPES)[number], RestStreamDef<MailchimpConfig>> = {
  lists,
  members: {
    name: 'members',
    path: '/lists/{id}/members',
    query: { sort_field: 'last_changed', sort_dir: 'ASC', ...trim('members') },
    partitions: partitionsFrom(lists, '/lists/{id}/members'),
    pagination: offset,
    records: 'members',
    id: (m) => (m.list_id && m.id ? `${String(m.list_id)}:${String(m.id)}` : undefined),
    incremental: { field: 'last_changed', param: 'since_last_changed', in: 'query', format: 'iso-offset', lookbackMs: 60_000 },
  },
  campaigns: { name: 'campaigns', path: '/campaigns', query: trim('campaigns'), pagination: offset, records: 'campaigns', id: 'id', recordSchema: RecordWithIdSchema },
};

/** RFC 7807: `{"title": "API Key Invalid", "status": 401, "detail": "Your API key may be invalid…"}` */
export function describeMailchimpError(_status: number, body: unknown): string | undefined {
  const r = z.object({ title: z.string(), detail: z.string().optional() }).safeParse(body);
  return r.success ? [r.data.title, r.data.detail].filter(Boolean).join(': ') : undefined;
}

export const mailchimp: Connector<typeof MailchimpConfigSchema> = {
  ...mailchimpSpec,
  http: (config) => ({
    baseUrl: config.baseUrl ?? `https://${mailchimpDc(config.apiKey)}.api.mailchimp.com/3.0`,
    // Any user name; the key is the password.
    auth: basicAuth('switchboard', config.apiKey),
    describeError: describeMailchimpError,
  }),
  streams: () => MAILCHIMP_DATA_TYPES.map((name) => restStream(DEFS[name])),
  test: (ctx) => testConnection(ctx, { url: '/ping', stream: 'test' }),
};
