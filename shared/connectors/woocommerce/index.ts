import * as z from 'zod';
import { basicAuth } from '../../http/auth';
import { RecordWithIdSchema, restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { WOOCOMMERCE_DATA_TYPES, WoocommerceConfigSchema, woocommerceSpec, type WoocommerceConfig } from './spec';

/**
 * WooCommerce lists answer a bare array with the page count in `X-WP-TotalPages` (`page`, `per_page` ≤ 100).
 * Orders and products filter by `modified_after` (exclusive), compared in GMT with `dates_are_gmt=true`, and
 * sort by modification ascending; customers are WordPress users without that filter and are read in full.
 */
export function woocommerceStreamDef(name: (typeof WOOCOMMERCE_DATA_TYPES)[number]): RestStreamDef<WoocommerceConfig> {
  const base = {
    name,
    path: `/${name}`,
    pagination: { kind: 'page', param: 'page', sizeParam: 'per_page', size: 100, start: 1, totalPagesHeader: 'X-WP-TotalPages', in: 'query' },
    records: '',
    id: 'id',
    recordSchema: RecordWithIdSchema,
  } as const;
  if (name === 'customers') return { ...base, query: { orderby: 'id', order: 'asc' } };
  return {
    ...base,
    query: { orderby: 'modified', order: 'asc', dates_are_gmt: 'true', ...(name === 'orders' ? { status: 'any' } : {}) },
    incremental: { field: 'date_modified_gmt', param: 'modified_after', in: 'query', format: 'naive', lookbackMs: 60_000 },
  };
}

/** `{"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": {"status": 401}}` */
export function describeWoocommerceError(_status: number, body: unknown): string | undefined {
  const r = z.object({ code: z.string(), message: z.string() }).safeParse(body);
  return r.success ? `${r.data.code}: ${r.data.message}` : undefined;
}

export const woocommerce: Connector<typeof WoocommerceConfigSchema> = {
  ...woocommerceSpec,
  // Over HTTPS, HTTP Basic with the key pair (plain HTTP would need OAuth 1.0a signing: not supported).
  http: (config) => ({ baseUrl: config.baseUrl, auth: basicAuth(config.consumerKey, config.consumerSecret), describeError: describeWoocommerceError }),
  streams: () => WOOCOMMERCE_DATA_TYPES.map((name) => restStream(woocommerceStreamDef(name))),
  test: (ctx) => testConnection(ctx, { url: '/orders', query: { per_page: 1 }, stream: 'test' }),
};
