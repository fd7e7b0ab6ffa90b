import { MalformedPageError } from '../../errors';
import type { ReadContext, SourceRecord } from '../types';
import { AssociationsPageSchema, InlineAssociationsSchema } from './wire';

/** Ids per batch read call: HubSpot allows more, we keep pages light and the call count predictable. */
const BATCH = 100;

/** Associated ids per record id, from the v4 batch read (≤100 ids a call). */
async function batchRead(ctx: ReadContext<unknown>, from: string, to: string, ids: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const inputs = ids.slice(i, i + BATCH).map((id) => ({ id }));
    const res = await ctx.http.request({ method: 'POST', url: `/crm/v4/associations/${from}/${to}/batch/read`, body: { inputs }, stream: ctx.stream });
    const parsed = AssociationsPageSchema.safeParse(res.body);
    if (!parsed.success) {
      throw new MalformedPageError(`hubspot/${ctx.stream}: associations ${from}→${to} answer does not parse (${parsed.error.issues[0]?.message})`);
    }
    for (const r of parsed.data.results) found.set(r.from.id, [...new Set([...(found.get(r.from.id) ?? []), ...r.to.map((t) => String(t.toObjectId))])]);
  }
  return found;
}

/**
 * Attaches associated object ids to a page of contacts as `data.associations = { deals: [...], companies: [...] }`,
 * one v4 batch read per target object per page (≤100 ids each): for search pages, which carry no associations.
 * https://developers.hubspot.com/docs/api/crm/associations (POST /crm/v4/associations/{from}/{to}/batch/read)
 */
export async function attachAssociations(ctx: ReadContext<unknown>, from: string, records: SourceRecord[], targets: readonly string[]): Promise<void> {
  if (!records.length || !targets.length) return;
  const found = new Map<string, Map<string, string[]>>();
  for (const to of targets) found.set(to, await batchRead(ctx, from, to, records.map((r) => r.id)));
  for (const rec of records) rec.data.associations = Object.fromEntries(targets.map((t) => [t, found.get(t)!.get(rec.id) ?? []]));
}

/**
 * The same `data.associations` from what the list endpoint sent inline (`associations=` on GET
 * /crm/v3/objects/{type}), so a page costs one request instead of one per target. HubSpot lists at most 100
 * associations of a type inline and pages the rest (`paging.next` on that type): only those records and types
 * are completed with the batch read. A primary company is listed twice (labeled and unlabeled): ids are unique.
 */
export async function attachInlineAssociations(
  ctx: ReadContext<unknown>,
  from: string,
  records: SourceRecord[],
  raw: unknown[],
  targets: readonly string[],
): Promise<void> {
  if (!records.length || !targets.length) return;
  const inline = new Map<string, Record<string, { results: { id: string }[]; paging?: { next?: unknown } }>>();
  for (const r of raw) {
    const parsed = InlineAssociationsSchema.safeParse(r);
    if (!parsed.success) throw new MalformedPageError(`hubspot/${ctx.stream}: inline associations do not parse (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    if (parsed.data.associations) inline.set(String(parsed.data.id), parsed.data.associations);
  }
  const entries = new Map(records.map((rec) => [rec.id, {} as Record<string, string[]>]));
  for (const to of targets) {
    const truncated: string[] = [];
    for (const rec of records) {
      const listed = inline.get(rec.id)?.[to];
      if (listed?.paging?.next) truncated.push(rec.id);
      entries.get(rec.id)![to] = [...new Set((listed?.results ?? []).map((x) => x.id))];
    }
    if (truncated.length) for (const [id, ids] of await batchRead(ctx, from, to, truncated)) entries.get(id)![to] = ids;
  }
  for (const rec of records) rec.data.associations = entries.get(rec.id);
}
