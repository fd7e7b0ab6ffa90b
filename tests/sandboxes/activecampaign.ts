import { rowsOf, startListSandbox, type ListSandbox, type Row } from './list-vendor';

/**
 * A fake ActiveCampaign API v3 under `/api/3`: `Api-Token` header, `offset` + `limit` (≤ 100),
 * `{<type>: [...], meta: {total: "n"}}`, `filters[updated_after]` on `udate` (contacts) or `mdate` (deals),
 * `orders[udate]=ASC`; 403 `{message: "Forbidden"}` for a bad key; 429 past 5 requests a second.
 */
export const makeContacts = (n: number) => rowsOf(n, (i, iso) => ({ id: String(i + 1), email: `c${i}@example.com`, cdate: iso.replace('Z', '-00:00'), udate: iso.replace('Z', '-00:00'), deleted: '0' }));

export function startActivecampaignSandbox(apiKey: string, records: Record<string, Row[]>, limit: { perWindow?: number; windowMs?: number } = {}): Promise<ListSandbox> {
  return startListSandbox(
    {
      contentType: 'application/json',
      authorized: (req) => req.headers['api-token'] === apiKey,
      unauthorized: { status: 403, body: { message: 'Forbidden' } },
      tooMany: (s) => ({ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': String(s) } }),
      serverError: (status) => ({ status, body: { message: 'Server Error' } }),
      resource: (path) => /^\/api\/3\/(contacts|deals)$/.exec(path)?.[1],
      malformed: { meta: { total: '1' } },
      list: (rows, q, url) => {
        const limit = Number(q.get('limit') ?? 20);
        const offset = Number(q.get('offset') ?? 0);
        if (limit > 100) return { status: 422, body: { errors: [{ title: 'limit must be ≤ 100' }] } };
        const key = url.pathname.split('/').pop()!;
        const field = key === 'deals' ? 'mdate' : 'udate';
        const after = q.get('filters[updated_after]');
        let sel = after ? rows.filter((r) => Date.parse(String(r[field])) >= Date.parse(after)) : rows;
        if (q.get(`orders[${field}]`) === 'ASC') sel = [...sel].sort((a, b) => Date.parse(String(a[field])) - Date.parse(String(b[field])));
        return { body: { [key]: sel.slice(offset, offset + limit), meta: { total: String(sel.length) } } };
      },
    },
    { records, ...limit },
  );
}
