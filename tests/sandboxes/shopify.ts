import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake Shopify Admin GraphQL API (shared/api-facts/shopify.md):
 * - `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`; a bad token answers HTTP 401
 *   `{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}`;
 * - `orders|customers|products(first, after, query, sortKey: UPDATED_AT)` connections with `edges {cursor node}`
 *   and `pageInfo {hasNextPage endCursor}`; `first` above 250 is an error; `query: "updated_at:>='<ISO>'"`;
 * - the cost-based leaky bucket: each answer carries `extensions.cost {requestedQueryCost, actualQueryCost,
 *   throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}}`; a query whose requested cost exceeds
 *   what is available answers HTTP 200 with `errors: [{message: "Throttled", extensions: {code: "THROTTLED"}}]`;
 *   the bucket refills at `restoreRate` points a second by the sandbox's clock (injectable);
 * - `{ shop { name } }` for connection tests; 5xx and malformed-page switches.
 * Costs follow Shopify's rules roughly: 2 per connection + `first` × the node's objects (orders 3, others 1).
 */
export type ShopifyNode = Record<string, unknown> & { id: string; updatedAt: string };
type Type = 'orders' | 'customers' | 'products';
const NODE_COST: Record<Type, number> = { orders: 3, customers: 1, products: 1 };

export interface ShopifySandboxOptions {
  token: string;
  orders?: ShopifyNode[];
  customers?: ShopifyNode[];
  products?: ShopifyNode[];
  maximumAvailable?: number;
  restoreRate?: number;
  /** The bucket's clock (ms); tests advance it in the client's sleep so nothing waits for real. */
  now?: () => number;
}

export interface ShopifySandbox extends RunningServer, FaultControls {
  /** Every GraphQL request: root field, variables, and whether it was throttled. */
  queries: Array<{ type: string; variables: Record<string, unknown>; throttled: boolean }>;
  setNode(type: Type, node: ShopifyNode): void;
}

export function makeShopifyNodes(type: Type, n: number, start = '2024-05-01T10:00:00Z'): ShopifyNode[] {
  const gid = { orders: 'Order', customers: 'Customer', products: 'Product' }[type];
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.parse(start) + i * 60_000).toISOString().replace('.000Z', 'Z');
    const base = { id: `gid://shopify/${gid}/${5_500_000_000 + i}`, createdAt: at, updatedAt: at };
    if (type === 'orders') return { ...base, name: `#${1001 + i}`, email: `buyer${i}@example.com`, displayFinancialStatus: 'PAID', totalPriceSet: { shopMoney: { amount: `${(59 + i).toFixed(2)}`, currencyCode: 'USD' } }, customer: { id: `gid://shopify/Customer/${7_000 + i}` } };
    if (type === 'customers') return { ...base, firstName: 'Ada', lastName: `Buyer${i}`, email: `buyer${i}@example.com`, state: 'ENABLED', numberOfOrders: String(i % 4) };
    return { ...base, title: `Window ${i}`, handle: `window-${i}`, status: 'ACTIVE', vendor: 'Acme', totalInventory: i };
  });
}

export async function startShopifySandbox(opts: ShopifySandboxOptions): Promise<ShopifySandbox> {
  const data: Record<Type, ShopifyNode[]> = { orders: [...(opts.orders ?? [])], customers: [...(opts.customers ?? [])], products: [...(opts.products ?? [])] };
  const max = opts.maximumAvailable ?? 1000;
  const rate = opts.restoreRate ?? 50;
  const now = opts.now ?? Date.now;
  let available = max;
  let at = now();
  const faults = new Faults();
  const queries: ShopifySandbox['queries'] = [];
  const send = jsonSender('application/json; charset=utf-8');

  const refill = () => {
    const t = now();
    available = Math.min(max, available + ((t - at) / 1000) * rate);
    at = t;
  };
  const cost = (requested: number, actual: number) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: { maximumAvailable: max, currentlyAvailable: Math.floor(available), restoreRate: rate } },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = urlOf(req).pathname;
    if (req.method !== 'POST' || !/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(path)) return send(res, 404, { errors: 'Not Found' });
    if (req.headers['x-shopify-access-token'] !== opts.token) return send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    const status = faults.take();
    if (status !== undefined) return send(res, status, { errors: 'Internal Server Error' });
    if (faults.takeMalformed()) return send(res, 200, '{"data": {"orders": {"edges": [');
    const body = JSON.parse(await readBody(req)) as { query: string; variables?: Record<string, unknown> };
    const variables = body.variables ?? {};
    refill();
    if (/^\s*\{\s*shop\s*\{/.test(body.query)) {
      available -= 1;
      return send(res, 200, { data: { shop: { name: 'Sandbox Store' } }, extensions: cost(1, 1) });
    }
    const type = /\b(orders|customers|products)\s*\(/.exec(body.query)?.[1] as Type | undefined;
    if (!type) return send(res, 200, { errors: [{ message: 'Field is not defined on QueryRoot', extensions: { code: 'undefinedField' } }] });
    const first = Number(variables.first);
    if (!Number.isInteger(first) || first < 1 || first > 250) {
      return send(res, 200, { errors: [{ message: 'The first argument must be between 1 and 250', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const requested = 2 + first * NODE_COST[type];
    if (requested > available) {
      queries.push({ type, variables, throttled: true });
      return send(res, 200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: cost(requested, 0) });
    }
    queries.push({ type, variables, throttled: false });
    let rows = [...data[type]].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    const filter = typeof variables.query === 'string' ? /^updated_at:>='([^']+)'$/.exec(variables.query) : null;
    if (typeof variables.query === 'string' && !filter) return send(res, 200, { errors: [{ message: 'Invalid search query', extensions: { code: 'BAD_REQUEST' } }] });
    if (filter) rows = rows.filter((r) => Date.parse(r.updatedAt) >= Date.parse(filter[1]));
    const after = typeof variables.after === 'string' ? Number(Buffer.from(variables.after, 'base64').toString()) : -1;
    const start = after + 1;
    const slice = rows.slice(start, start + first);
    const actual = 2 + slice.length * NODE_COST[type];
    available -= actual;
    const edges = slice.map((node, i) => ({ cursor: Buffer.from(String(start + i)).toString('base64'), node }));
    send(res, 200, {
      data: { [type]: { edges, pageInfo: { hasNextPage: start + first < rows.length, endCursor: edges.at(-1)?.cursor ?? null } } },
      extensions: cost(requested, actual),
    });
  };

  const server = await startServer(handle, (res, err) => send(res, 500, { errors: err.message }));
  return {
    ...server,
    queries,
    ...faults.controls(),
    setNode(type, node) {
      const rows = data[type];
      const i = rows.findIndex((r) => r.id === node.id);
      if (i >= 0) rows[i] = node;
      else rows.push(node);
    },
  };
}
