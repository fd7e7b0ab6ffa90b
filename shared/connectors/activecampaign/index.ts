import * as z from 'zod';
import { apiKeyAuth } from '../../http/auth';
import { RecordWithIdSchema, restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { ACTIVECAMPAIGN_DATA_TYPES, ActivecampaignConfigSchema, activecampaignSpec, type ActivecampaignConfig } from './spec';

/**
 * ActiveCampaign collections page by `offset` + `limit` (≤ 100) and answer `{<type>: [...], meta: {total}}`.
 * Both filter with `filters[updated_after]`; contacts sort by `udate` ascending, deals (whose change time is
 * `mdate`) have no documented sort on it, so the mark is the newest `mdate` wherever it comes.
 */
const FIELDS = { contacts: { field: 'udate', sort: { 'orders[udate]': 'ASC' } }, deals: { field: 'mdate', sort: {} } } as const;

export function activecampaignStreamDef(name: (typeof ACTIVECAMPAIGN_DATA_TYPES)[number]): RestStreamDef<ActivecampaignConfig> {
  return {
    name,
    path: `/${name}`,
    query: FIELDS[name].sort,
    pagination: { kind: 'offset', param: 'offset', sizeParam: 'limit', size: 100, in: 'query' },
    records: name,
    id: 'id',
    recordSchema: RecordWithIdSchema,
    incremental: { field: FIELDS[name].field, param: 'filters[updated_after]', in: 'query', format: 'iso-offset', lookbackMs: 60_000 },
  };
}

/** `{"message": "Forbidden"}` or `{"errors": [{"title": "…"}]}` */
export function describeActivecampaignError(_status: number, body: unknown): string | undefined {
  const r = z.object({ message: z.string() }).or(z.object({ errors: z.array(z.object({ title: z.string() })).min(1) })).safeParse(body);
  return r.success ? ('message' in r.data ? r.data.message : r.data.errors[0].title) : undefined;
}

export const activecampaign: Connector<typeof ActivecampaignConfigSchema> = {
  ...activecampaignSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: apiKeyAuth(config.apiKey, { header: 'Api-Token' }), describeError: describeActivecampaignError }),
  streams: () => ACTIVECAMPAIGN_DATA_TYPES.map((name) => restStream(activecampaignStreamDef(name))),
  test: (ctx) => testConnection(ctx, { url: '/contacts', query: { limit: 1 }, stream: 'test' }),
};
