import * as z from 'zod';
import { AppError } from '../../errors';
import { apiKeyAuth } from '../../http/auth';
import { describeGraphqlError, graphqlRequest, graphqlStream, type CostThrottle, type GraphqlStreamDef } from '../graphql';
import type { Connector } from '../types';
import { SHOPIFY_DATA_TYPES, shopifySpec, type ShopifyConfig } from './spec';

/** Shopify's cost report, on every answer including a throttled one. */
const COST: CostThrottle = {
  path: 'extensions.cost',
  requested: 'requestedQueryCost',
  available: 'throttleStatus.currentlyAvailable',
  restoreRate: 'throttleStatus.restoreRate',
  throttledCode: 'THROTTLED',
};

/**
 * Fields per type, and the page size that keeps a query's requested cost (2 + first × the node's objects)
 * well under the 1,000-point cap of a single query.
 */
const TYPES: Record<(typeof SHOPIFY_DATA_TYPES)[number], { fields: string; pageSize: number }> = {
  orders: {
    fields: `id name email phone createdAt updatedAt processedAt cancelledAt closedAt displayFinancialStatus displayFulfillmentStatus
      currencyCode tags note totalPriceSet { shopMoney { amount currencyCode } } customer { id }`,
    pageSize: 100,
  },
  customers: { fields: 'id firstName lastName displayName email phone state tags note verifiedEmail numberOfOrders createdAt updatedAt', pageSize: 250 },
  products: { fields: 'id title handle status vendor productType tags totalInventory createdAt updatedAt publishedAt', pageSize: 250 },
};

/** `query: "updated_at:>='…'"` is Shopify's search syntax; UPDATED_AT order keeps a resumed read stable. */
export function shopifyQuery(type: keyof typeof TYPES): string {
  return `query ($first: Int!, $after: String, $query: String) {
  ${type}(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { cursor node { ${TYPES[type].fields.replace(/\s+/g, ' ')} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

const NodeSchema = z.looseObject({ id: z.string().min(1), updatedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date') });

/** `/admin/api/{version}/graphql.json` under the shop's host, whether or not the base URL ends in /admin. */
export const graphqlPath = (c: ShopifyConfig) => `/admin/api/${c.apiVersion}/graphql.json`;
const shopOrigin = (c: ShopifyConfig) => c.baseUrl.replace(/\/+$/, '').replace(/\/admin$/, '');

function def(type: keyof typeof TYPES, config: ShopifyConfig): GraphqlStreamDef<ShopifyConfig> {
  return {
    name: type,
    url: graphqlPath,
    query: shopifyQuery(type),
    connectionPath: `data.${type}`,
    pageSize: TYPES[type].pageSize,
    updatedAt: 'updatedAt',
    since: { variable: 'query', template: "updated_at:>='{since}'", lookbackMs: config.lookbackMinutes * 60_000 },
    recordSchema: NodeSchema,
    costThrottle: COST,
  };
}

/**
 * Shopify's errors: GraphQL `errors` arrays, and for a bad token HTTP 401 with `{"errors": "[API] Invalid API
 * key or access token…"}` (a string, as the REST API answers).
 */
export function describeShopifyError(status: number, body: unknown): string | undefined {
  const text = z.object({ errors: z.string() }).safeParse(body);
  return text.success ? text.data.errors : describeGraphqlError(status, body);
}

export const shopify: Connector<typeof shopifySpec.configSchema> = {
  ...shopifySpec,
  http: (config) => ({ baseUrl: shopOrigin(config), auth: apiKeyAuth(config.accessToken, { header: 'X-Shopify-Access-Token' }), describeError: describeShopifyError }),
  streams: (config) => SHOPIFY_DATA_TYPES.map((t) => graphqlStream(def(t, config))),
  /** The shop's name: the cheapest query there is (cost 1), proves token and version. */
  async test(ctx) {
    try {
      const body = await graphqlRequest(ctx.http, { url: graphqlPath(ctx.config), query: '{ shop { name } }', connector: 'shopify', stream: 'test' });
      const name = z.object({ data: z.object({ shop: z.object({ name: z.string() }) }) }).safeParse(body);
      return { ok: true, message: `Connected to Shopify${name.success ? ` (${name.data.data.shop.name})` : ''}` };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, message: err.message };
      throw err;
    }
  },
};
