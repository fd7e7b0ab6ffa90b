import { rowsOf, startListSandbox, type ListSandbox, type Row } from './list-vendor';

/**
 * A fake Stripe API under `/v1`: Bearer key, lists newest first as `{object: "list", url, has_more, data}`
 * paged by `limit` (≤ 100) + `starting_after`, `created[gte]` in unix seconds, `/v1/events` filtered by
 * `type` (with `*`) or `types[n]`; Stripe's `{error: {type, message}}` bodies, 429 without Retry-After.
 */
export const makeStripeRows = (n: number, prefix = 'cus') => rowsOf(n, (i, _iso, ms) => ({ id: `${prefix}_${String(i).padStart(6, '0')}`, object: 'customer', created: Math.floor(ms / 1000), email: `c${i}@example.com` }));

export function startStripeSandbox(apiKey: string, records: Record<string, Row[]>, limit: { perWindow?: number; windowMs?: number } = {}): Promise<ListSandbox> {
  return startListSandbox(
    {
      contentType: 'application/json',
      authorized: (req) => req.headers.authorization === `Bearer ${apiKey}`,
      unauthorized: { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' } } },
      tooMany: () => ({ status: 429, body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' } } }),
      serverError: (status) => ({ status, body: { error: { type: 'api_error', message: 'Something went wrong on our end.' } } }),
      resource: (path) => /^\/v1\/(customers|charges|invoices|subscriptions|events)$/.exec(path)?.[1],
      malformed: { object: 'list', has_more: false },
      list: (rows, q, url) => {
        const limit = Number(q.get('limit') ?? 10);
        if (limit > 100) return { status: 400, body: { error: { type: 'invalid_request_error', message: 'limit must be ≤ 100' } } };
        const gte = q.get('created[gte]');
        const types = [...q.entries()].filter(([k]) => /^types\[\d+\]$/.test(k)).map(([, v]) => v);
        const type = q.get('type');
        const match = (t: unknown) => (type ? (type.endsWith('*') ? String(t).startsWith(type.slice(0, -1)) : t === type) : !types.length || types.includes(String(t)));
        const sel = rows
          .filter((r) => (gte === null || Number(r.created) >= Number(gte)) && (r.object !== 'event' || match(r.type)))
          .sort((a, b) => Number(b.created) - Number(a.created) || String(b.id).localeCompare(String(a.id)));
        const after = q.get('starting_after');
        const from = after ? sel.findIndex((r) => r.id === after) + 1 : 0;
        if (after && from === 0) return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such object: '${after}'` } } };
        return { body: { object: 'list', url: url.pathname, has_more: from + limit < sel.length, data: sel.slice(from, from + limit) } };
      },
    },
    { records, ...limit },
  );
}
