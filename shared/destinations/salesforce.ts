import * as z from 'zod';
import { MalformedPageError } from '../errors';
import type { DeliveryContext, DeliveryItem, DeliveryResult, Destination } from './types';

/**
 * Salesforce SObjects as a flow target, through sObject Collections (shared/api-facts/salesforce-destination.md),
 * 200 records per call, `allOrNone: false` so one bad record fails alone:
 * - a record the ledger tied to a Salesforce Id → `PATCH /composite/sobjects` (update by Id);
 * - one `match` field, which must be an External ID field of the object → `PATCH
 *   /composite/sobjects/{SObject}/{field}` (upsert by external id): Salesforce finds-or-creates, so a redelivered
 *   batch never creates a second record;
 * - no match → `POST /composite/sobjects` (create).
 * Results come back in request order, `{id, success, errors: [{statusCode, message, fields}], created?}`.
 */
const ResultSchema = z.lazy(() =>
  z.array(
    z.looseObject({
      id: z.string().nullish(),
      success: z.boolean(),
      created: z.boolean().optional(),
      errors: z.array(z.looseObject({ statusCode: z.string().optional(), message: z.string().optional(), fields: z.array(z.string()).optional() })).default([]),
    }),
  ),
);
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export const salesforceDestination: Destination = {
  type: 'salesforce',
  batchSize: 200,

  checkTarget(t, flow) {
    const problems = [];
    if (!t.object) problems.push({ path: 'target.object', message: 'name the SObject, e.g. Lead' });
    if (flow.match.length > 1 || !flow.match.every((m) => NAME.test(m)))
      problems.push({ path: 'match', message: 'a Salesforce target matches on one External ID field of the object (e.g. Ext_Id__c)' });
    if (flow.match.length && flow.onExisting === 'skip') problems.push({ path: 'onExisting', message: 'a Salesforce target upserts by its External ID field: use update' });
    return problems;
  },

  async deliver(ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]> {
    const type = ctx.target.object!;
    const base = `/services/data/${String(ctx.config.apiVersion ?? 'v58.0')}/composite/sobjects`;
    const out: DeliveryResult[] = new Array(items.length);
    const externalId = ctx.match[0];
    const groups: Array<{ idx: number[]; method: 'POST' | 'PATCH'; url: string; record: (it: DeliveryItem) => Record<string, unknown> }> = [
      { idx: [], method: 'PATCH', url: base, record: (it) => ({ attributes: { type }, Id: it.targetId, ...it.payload }) },
      { idx: [], method: 'PATCH', url: `${base}/${type}/${externalId}`, record: (it) => ({ attributes: { type }, ...it.payload }) },
      { idx: [], method: 'POST', url: base, record: (it) => ({ attributes: { type }, ...it.payload }) },
    ];
    items.forEach((it, i) => groups[it.targetId ? 0 : externalId && it.payload[externalId] !== undefined ? 1 : 2].idx.push(i));
    for (const [g, group] of groups.entries()) {
      if (!group.idx.length) continue;
      const res = await ctx.http.request({ method: group.method, url: group.url, body: { allOrNone: false, records: group.idx.map((i) => group.record(items[i])) }, stream: type });
      const parsed = ResultSchema.safeParse(res.body);
      if (!parsed.success || parsed.data.length !== group.idx.length) throw new MalformedPageError(`salesforce ${group.method} ${group.url}: unexpected response`);
      group.idx.forEach((i, n) => {
        const r = parsed.data[n];
        out[i] = r.success
          ? { ok: true, targetId: r.id ?? items[i].targetId ?? null, action: g === 0 ? 'updated' : g === 2 || r.created ? 'created' : 'updated' }
          : { ok: false, reason: r.errors.map((e) => `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`).join('; '), retryable: r.errors.some((e) => e.statusCode === 'UNABLE_TO_LOCK_ROW') };
      });
    }
    return out;
  },
};
