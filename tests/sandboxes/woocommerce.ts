import { rowsOf, startListSandbox, type ListSandbox, type Row } from './list-vendor';

/**
 * A fake WooCommerce REST API v3 under `/wp-json/wc/v3`: HTTP Basic with the consumer key pair, `page` +
 * `per_page` (≤ 100), a bare JSON array with `X-WP-Total`/`X-WP-TotalPages`, `modified_after` (exclusive,
 * naive GMT with `dates_are_gmt=true`), `orderby=modified&order=asc`; WordPress-style error bodies.
 */
export const makeWooRows = (n: number) => rowsOf(n, (i, iso) => ({ id: 700 + i, status: 'processing', total: '59.00', date_created_gmt: iso.slice(0, 19), date_modified_gmt: iso.slice(0, 19) }));

export function startWoocommerceSandbox(key: string, secret: string, records: Record<string, Row[]>, limit: { perWindow?: number; windowMs?: number } = {}): Promise<ListSandbox> {
  const gmt = (v: unknown) => Date.parse(`${String(v)}Z`);
  return startListSandbox(
    {
      contentType: 'application/json; charset=UTF-8',
      authorized: (req) => req.headers.authorization === 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64'),
      unauthorized: { status: 401, body: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } } },
      tooMany: (s) => ({ status: 429, body: { code: 'too_many_requests', message: 'Too many requests.', data: { status: 429 } }, headers: { 'retry-after': String(s) } }),
      serverError: (status) => ({ status, body: { code: 'internal_server_error', message: 'There has been a critical error on this website.', data: { status } } }),
      resource: (path) => /^\/wp-json\/wc\/v3\/(orders|customers|products)$/.exec(path)?.[1],
      malformed: { code: 'rest_no_route', message: 'No route was found matching the URL and request method.' },
      list: (rows, q) => {
        const perPage = Number(q.get('per_page') ?? 10);
        const page = Number(q.get('page') ?? 1);
        if (perPage > 100) return { status: 400, body: { code: 'rest_invalid_param', message: 'Invalid parameter(s): per_page', data: { status: 400 } } };
        const after = q.get('modified_after');
        if (after && q.get('dates_are_gmt') !== 'true') return { status: 400, body: { code: 'rest_invalid_param', message: 'this sandbox compares in GMT only', data: { status: 400 } } };
        let sel = after ? rows.filter((r) => gmt(r.date_modified_gmt) > gmt(after)) : rows;
        if (q.get('orderby') === 'modified') sel = [...sel].sort((a, b) => gmt(a.date_modified_gmt) - gmt(b.date_modified_gmt));
        const pages = Math.ceil(sel.length / perPage);
        return { body: sel.slice((page - 1) * perPage, page * perPage), headers: { 'x-wp-total': String(sel.length), 'x-wp-totalpages': String(pages) } };
      },
    },
    { records, ...limit },
  );
}
