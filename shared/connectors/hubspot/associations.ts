import { MalformedPageError } from '../../errors';
import type { ReadContext, SourceRecord } from '../types';
import { AssociationsPageSchema } from './wire';

/** Ids per batch read call: HubSpot allows more, we keep pages light and the call count predictable. */
const BATCH = 100;

/**
 * Attaches associated object ids to a page of contacts as `data.associations = { deals: [...], companies: [...] }`,
 * one v4 batch read per target object per page (≤100 ids each).
 * https://developers.hubspot.com/docs/api/crm/associations (POST /crm/v4/associations/{from}/{to}/batch/read)
 */
export async function attachAssociations(
  ctx: ReadContext<unknown>,
  from: string,
  records: SourceRecord[],
  targets: readonly string[],
): Promise<void> {
  if (!records.length || !targets.length) return;
  const found = new Map<string, Record<string, string[]>>();
  for (const to of targets) {
    for (let i = 0; i < records.length; i += BATCH) {
      const inputs = records.slice(i, i + BATCH).map((r) => ({ id: r.id }));
      const res = await ctx.http.request({ method: 'POST', url: `/crm/v4/associations/${from}/${to}/batch/read`, body: { inputs }, stream: ctx.stream });
      const parsed = AssociationsPageSchema.safeParse(res.body);
      if (!parsed.success) {
        throw new MalformedPageError(`hubspot/${ctx.stream}: associations ${from}→${to} answer does not parse (${parsed.error.issues[0]?.message})`);
      }
      for (const r of parsed.data.results) {
        const entry = found.get(r.from.id) ?? {};
        entry[to] = [...new Set([...(entry[to] ?? []), ...r.to.map((t) => String(t.toObjectId))])];
        found.set(r.from.id, entry);
      }
    }
  }
  for (const rec of records) {
    rec.data.associations = Object.fromEntries(targets.map((t) => [t, found.get(rec.id)?.[t] ?? []]));
  }
}
