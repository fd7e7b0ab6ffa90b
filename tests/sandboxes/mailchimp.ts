import { createHash } from 'node:crypto';
import { rowsOf, startListSandbox, type ListSandbox, type Row } from './list-vendor';

/**
 * A fake Mailchimp Marketing API under `/3.0`: HTTP Basic with any user and the key, `offset` + `count`
 * (≤ 1000), `{<key>: [...], total_items}`, `/lists/{id}/members` with `since_last_changed` (after the
 * time) and `sort_field=last_changed`, `/ping`; RFC 7807 errors; 429 without Retry-After (concurrency).
 */
export const makeMembers = (n: number, listId: string) =>
  rowsOf(n, (i, iso) => {
    const email = `m${i}@example.com`;
    return { id: createHash('md5').update(email).digest('hex'), email_address: email, list_id: listId, status: 'subscribed', last_changed: iso.replace('Z', '+00:00') };
  });

export function startMailchimpSandbox(apiKey: string, records: Record<string, Row[]>, limit: { perWindow?: number; windowMs?: number } = {}): Promise<ListSandbox> {
  const problem = (status: number, title: string, detail: string) => ({ status, body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: 'c0ffee' } });
  return startListSandbox(
    {
      contentType: 'application/problem+json; charset=utf-8',
      authorized: (req) => Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':').slice(1).join(':') === apiKey,
      unauthorized: problem(401, 'API Key Invalid', 'Your API key may be invalid, or you’ve attempted to access the wrong datacenter.'),
      tooMany: () => problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'),
      serverError: (status) => problem(status, 'Internal Server Error', 'An unexpected internal error has occurred.'),
      resource: (path) => (path === '/3.0/ping' ? 'ping' : /^\/3\.0\/(lists|campaigns|lists\/[^/]+\/members)$/.exec(path)?.[1]),
      malformed: { total_items: 3 },
      list: (rows, q, url) => {
        if (url.pathname === '/3.0/ping') return { body: { health_status: "Everything's Chimpy!" } };
        const count = Number(q.get('count') ?? 10);
        const offset = Number(q.get('offset') ?? 0);
        if (count > 1000) return problem(400, 'Invalid Resource', 'count must be ≤ 1000');
        const since = q.get('since_last_changed');
        let sel = since ? rows.filter((r) => Date.parse(String(r.last_changed)) > Date.parse(since)) : rows;
        if (q.get('sort_field') === 'last_changed') sel = [...sel].sort((a, b) => Date.parse(String(a.last_changed)) - Date.parse(String(b.last_changed)));
        const key = url.pathname.endsWith('/members') ? 'members' : url.pathname.split('/').pop()!;
        return { body: { [key]: sel.slice(offset, offset + count), total_items: sel.length } };
      },
    },
    { records: { ping: [], ...records }, ...limit },
  );
}
