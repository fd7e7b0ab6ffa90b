import type { ZohoRecord } from './zoho';

/**
 * Zoho CRM's record writes (shared/api-facts/zoho-destination.md), for the Zoho sandbox:
 * - `POST /crm/v3/{Module}` insert, `PUT /crm/v3/{Module}` update (each record with `id`), `POST …/upsert` with
 *   `duplicate_check_fields` (default: Email for Leads and Contacts), `{data: [...]}` of at most 100 records;
 * - per-record items in request order: `{code:"SUCCESS", details:{id, Created_Time, Modified_Time…}, message,
 *   status:"success"}` (+ `action` insert|update and `duplicate_field` on upserts) or `{code:"MANDATORY_NOT_FOUND"
 *   |"INVALID_DATA", details:{api_name, json_path}, message, status:"error"}`; HTTP 201 (insert, all added), 200
 *   (update/upsert), 207 when some failed, 400 when all did;
 * - `GET /crm/v3/{Module}/search?criteria=((Field:equals:value)and…)|email=|phone=`: `{data, info}` or 204.
 */
export interface WriteAnswer {
  status: number;
  body?: Record<string, unknown>;
}

const MANDATORY: Record<string, string[]> = { Leads: ['Last_Name'], Contacts: ['Last_Name'], Deals: ['Deal_Name', 'Stage'] };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const same = (field: string, a: unknown, b: unknown) => (field === 'Email' ? String(a).toLowerCase() === String(b).toLowerCase() : String(a) === String(b));

export function zohoWrite(
  rows: ZohoRecord[],
  module: string,
  op: 'insert' | 'update' | 'upsert',
  body: Record<string, unknown>,
  stamp: () => string,
  newId: () => string,
  /** A record the test wants refused: the field Zoho would name (INVALID_DATA, HTTP 207/400 like any per-record refusal). */
  refuse?: (rec: Record<string, unknown>) => string | undefined,
): WriteAnswer {
  const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : undefined;
  if (!data?.length) return { status: 400, body: { code: 'INVALID_DATA', details: {}, message: 'body', status: 'error' } };
  if (data.length > 100) return { status: 400, body: { code: 'LIMIT_EXCEEDED', details: { limit: 100 }, message: 'Limit exceeded', status: 'error' } };
  const checks = Array.isArray(body.duplicate_check_fields) ? (body.duplicate_check_fields as string[]) : module === 'Deals' ? [] : ['Email'];
  const items = data.map((rec, n) => {
    const err = (code: string, api_name: string, message: string) => ({ code, details: { api_name, json_path: `$.data[${n}].${api_name}` }, message, status: 'error' });
    if (rec.Email !== undefined && rec.Email !== null && !EMAIL.test(String(rec.Email))) return err('INVALID_DATA', 'Email', 'invalid data');
    const refused = refuse?.(rec);
    if (refused) return err('INVALID_DATA', refused, 'invalid data');
    const now = stamp();
    let existing: ZohoRecord | undefined;
    let duplicateField: string | null = null;
    if (op === 'update') {
      existing = rows.find((r) => r.id === String(rec.id));
      if (!existing) return err('INVALID_DATA', 'id', 'the related id given seems to be invalid');
    } else if (op === 'upsert') {
      for (const f of checks) {
        existing = rec[f] === undefined ? undefined : rows.find((r) => same(f, r[f], rec[f]));
        if (existing) {
          duplicateField = f;
          break;
        }
      }
    }
    if (!existing) {
      const missing = (MANDATORY[module] ?? []).find((f) => rec[f] === undefined || rec[f] === null || rec[f] === '');
      if (missing) return err('MANDATORY_NOT_FOUND', missing, 'required field not found');
      const created = { ...rec, id: newId(), Created_Time: now, Modified_Time: now } as ZohoRecord;
      rows.push(created);
      const details = { Modified_Time: now, Created_Time: now, id: created.id };
      return { code: 'SUCCESS', details, message: 'record added', status: 'success', ...(op === 'upsert' ? { action: 'insert', duplicate_field: null } : {}) };
    }
    Object.assign(existing, { ...rec, id: existing.id, Modified_Time: now });
    const details = { Modified_Time: now, Created_Time: existing.Created_Time, id: existing.id };
    return { code: 'SUCCESS', details, message: 'record updated', status: 'success', ...(op === 'upsert' ? { action: 'update', duplicate_field: duplicateField } : {}) };
  });
  const failed = items.filter((i) => i.status === 'error').length;
  const status = failed === items.length ? 400 : failed ? 207 : op === 'insert' ? 201 : 200;
  return { status, body: { data: items } };
}

/** `criteria` (`((A:equals:x)and(B:equals:y))`, `or` too), `email`, `phone`: the matching records, or 204. */
export function zohoSearch(rows: ZohoRecord[], q: URLSearchParams): WriteAnswer {
  let test: (r: ZohoRecord) => boolean;
  const criteria = q.get('criteria');
  if (criteria) {
    const parts = [...criteria.matchAll(/\(([A-Za-z_0-9]+):equals:((?:\\.|[^)\\])*)\)/g)].map((m) => [m[1], m[2].replace(/\\(.)/g, '$1')] as const);
    if (!parts.length) return { status: 400, body: { code: 'INVALID_QUERY', details: { reason: 'invalid criteria' }, message: 'Invalid query formed', status: 'error' } };
    const any = /\)or\(/.test(criteria);
    test = (r) => (any ? parts.some(([f, v]) => same(f, r[f], v)) : parts.every(([f, v]) => same(f, r[f], v)));
  } else if (q.get('email')) test = (r) => same('Email', r.Email, q.get('email'));
  else if (q.get('phone')) test = (r) => [r.Phone, r.Mobile].some((p) => p && String(p).replace(/\D/g, '').endsWith(q.get('phone')!.replace(/\D/g, '')));
  else return { status: 400, body: { code: 'REQUIRED_PARAM_MISSING', details: { param: 'criteria' }, message: 'One of the expected parameter is missing', status: 'error' } };
  const hits = rows.filter(test);
  if (!hits.length) return { status: 204 };
  return { status: 200, body: { data: hits, info: { per_page: 200, count: hits.length, page: 1, more_records: false } } };
}
