import * as z from 'zod';
import { SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import type { DeliveryContext, DeliveryItem, DeliveryResult, Destination, Note } from './types';

/**
 * Zoho CRM modules as a flow target (shared/api-facts/zoho-destination.md), on the same API version the
 * connector reads (v3; v3–v8 write paths differ only in the version):
 * - a record the ledger tied to a Zoho id → `PUT /crm/v3/{Module}` with `id` in each record;
 * - `match` fields → `POST /crm/v3/{Module}/upsert` with them as `duplicate_check_fields`: Zoho finds-or-creates
 *   in one call, so a redelivered batch never creates a second lead;
 * - "skip existing" → `GET /crm/v3/{Module}/search?criteria=…` per record (204 = none), then insert the rest;
 * - no match → `POST /crm/v3/{Module}` (insert).
 * 100 records per call; `trigger: []` so our writes fire no workflows. Results are positional; each item is
 * checked, not the status line (201 / 207 / 200, and 400 with per-record items when every record failed).
 */
const ItemSchema = z.lazy(() =>
  z.looseObject({
    code: z.string(),
    status: z.string(),
    message: z.string().optional(),
    action: z.string().optional(),
    details: z.looseObject({ id: z.union([z.string(), z.number()]).optional(), api_name: z.string().optional() }).optional(),
  }),
);
const WriteSchema = z.lazy(() => z.looseObject({ data: z.array(ItemSchema) }));
const SearchSchema = z.lazy(() => z.looseObject({ data: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })) }));

export async function write(http: HttpClient, method: 'POST' | 'PUT', url: string, records: unknown[], extra: Record<string, unknown> = {}) {
  const res = await http.request({ method, url, body: { data: records, trigger: [], ...extra }, okStatuses: [400], stream: url });
  const parsed = WriteSchema.safeParse(res.body);
  if (parsed.success && parsed.data.data.length === records.length) return parsed.data.data;
  // A 400 about the request as a whole (no per-record items): the runner splits the batch to find the culprit.
  const b = res.body as { code?: string; message?: string } | null;
  throw new SourceError('target_rejected', `zoho ${method} ${url} answered ${res.status}${b?.code ? ` (${b.code}: ${b.message ?? ''})` : ''}`, { status: res.status });
}

function result(item: z.infer<typeof ItemSchema>, fallbackAction: 'created' | 'updated', knownId?: string): DeliveryResult {
  if (item.status !== 'success') return { ok: false, reason: `${item.code}: ${item.message ?? ''}${item.details?.api_name ? ` (${item.details.api_name})` : ''}`, retryable: false };
  const action = item.action === 'insert' ? 'created' : item.action === 'update' ? 'updated' : fallbackAction;
  return { ok: true, targetId: item.details?.id !== undefined ? String(item.details.id) : (knownId ?? null), action };
}

/** `(Email:equals:a\(b\))`: Zoho wants `(`, `)` and `,` escaped in criteria values. */
const criterion = (field: string, value: unknown) => `(${field}:equals:${String(value).replace(/([(),\\])/g, '\\$1')})`;

export const zohoDestination: Destination = {
  type: 'zoho',
  batchSize: 100,

  checkTarget: (t) => (t.object ? [] : [{ path: 'target.object', message: 'name the Zoho module, e.g. Leads' }]),

  async deliver(ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]> {
    const base = `/crm/v3/${ctx.target.object}`;
    const out: DeliveryResult[] = new Array(items.length);
    const known: number[] = [];
    const upsert: number[] = [];
    const insert: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      const matchable = ctx.match.length > 0 && ctx.match.every((f) => it.payload[f] !== undefined);
      if (it.targetId) known.push(i);
      else if (matchable && ctx.onExisting === 'update') upsert.push(i);
      else if (matchable) {
        const criteria = ctx.match.map((f) => criterion(f, it.payload[f])).join('and');
        const res = await ctx.http.request({ url: `${base}/search`, query: { criteria: ctx.match.length > 1 ? `(${criteria})` : criteria }, stream: base });
        const found = res.status === 204 ? undefined : SearchSchema.parse(res.body).data[0];
        if (found) out[i] = { ok: true, targetId: String(found.id), action: 'skipped' };
        else insert.push(i);
      } else insert.push(i);
    }
    if (known.length) {
      const res = await write(ctx.http, 'PUT', base, known.map((i) => ({ id: items[i].targetId, ...items[i].payload })));
      known.forEach((i, n) => (out[i] = result(res[n], 'updated', items[i].targetId)));
    }
    if (upsert.length) {
      const res = await write(ctx.http, 'POST', `${base}/upsert`, upsert.map((i) => items[i].payload), { duplicate_check_fields: ctx.match });
      upsert.forEach((i, n) => (out[i] = result(res[n], 'created')));
    }
    if (insert.length) {
      const res = await write(ctx.http, 'POST', base, insert.map((i) => items[i].payload));
      insert.forEach((i, n) => (out[i] = result(res[n], 'created')));
    }
    return out;
  },

  /** `POST /crm/v3/Notes`, 100 per call, each tied to its record (v3 shape: `Parent_Id` + `se_module`). */
  async addNotes(ctx: DeliveryContext, notes: Note[]): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = [];
    for (let i = 0; i < notes.length; i += 100) {
      const chunk = notes.slice(i, i + 100);
      const res = await write(ctx.http, 'POST', '/crm/v3/Notes', chunk.map((n) => ({ Note_Title: n.title ?? '', Note_Content: n.body, Parent_Id: n.targetId, se_module: ctx.target.object })));
      res.forEach((item) => out.push(item.status === 'success' ? undefined : `${item.code}: ${item.message ?? ''}`));
    }
    return out;
  },
};
