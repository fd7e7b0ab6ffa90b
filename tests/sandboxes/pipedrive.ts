import { rowsOf, startListSandbox, type ListSandbox, type Row } from './list-vendor';

/**
 * A fake Pipedrive API v2: `GET /api/v2/{deals|persons|organizations|activities}` with `x-api-token`,
 * `limit` (≤ 500) + opaque `cursor`, `updated_since` (inclusive), `sort_by=update_time&sort_direction=asc`,
 * answering `{success, data, additional_data: {next_cursor}}` (null on the last page); 401
 * `{success: false, error: "unauthorized access"}`; 429 with `x-ratelimit-*` headers and Retry-After.
 */

export const makePipedriveRows = (n: number) => rowsOf(n, (i, iso) => ({ id: i + 1, name: `Record ${i + 1}`, add_time: iso, update_time: iso, owner_id: 42, custom_fields: {} }));

export function startPipedriveSandbox(apiToken: string, records: Record<string, Row[]>, limit: { perWindow?: number; windowMs?: number } = {}): Promise<ListSandbox> {
  return startListSandbox(
    {
      contentType: 'application/json',
      authorized: (req) => req.headers['x-api-token'] === apiToken,
      unauthorized: { status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check developers.pipedrive.com' } },
      tooMany: (s) => ({ status: 429, body: { success: false, error: 'Too many requests' }, headers: { 'retry-after': String(s), 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(s) } }),
      serverError: (status) => ({ status, body: { success: false, error: 'Internal server error' } }),
      resource: (path) => /^\/api\/v2\/(deals|persons|organizations|activities)$/.exec(path)?.[1],
      malformed: { success: true, data: null, additional_data: {} },
      list: (rows, q) => {
        const limit = Number(q.get('limit') ?? 100);
        if (limit > 500) return { status: 400, body: { success: false, error: 'limit must be ≤ 500' } };
        const since = q.get('updated_since');
        let sel = since ? rows.filter((r) => Date.parse(String(r.update_time)) >= Date.parse(since)) : rows;
        if (q.get('sort_by') === 'update_time') sel = [...sel].sort((a, b) => Date.parse(String(a.update_time)) - Date.parse(String(b.update_time)));
        const at = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
        const next = at + limit < sel.length ? Buffer.from(String(at + limit)).toString('base64url') : null;
        return { body: { success: true, data: sel.slice(at, at + limit), additional_data: { next_cursor: next } } };
      },
    },
    { records, ...limit },
  );
}
