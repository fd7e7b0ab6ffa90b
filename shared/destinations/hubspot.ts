import * as z from 'zod';
import { MalformedPageError } from '../errors';
import type { HttpClient } from '../http/client';
import type { DeliveryContext, DeliveryItem, DeliveryResult, Destination, Note } from './types';

/**
 * HubSpot CRM objects as a flow target (shared/api-facts/hubspot-destination.md):
 * - a record the ledger already tied to a HubSpot id → `batch/update` by id;
 * - one `match` property (email, or a property with unique values, as HubSpot requires) → `batch/upsert` with
 *   `idProperty`: HubSpot finds-or-creates in one call, so a redelivered batch never creates a second contact;
 * - several match properties → `search` (EQ on each) per record, then update what is found, create the rest;
 * - no match → `batch/create`, each input tagged with `objectWriteTraceId` to map results back (order is not
 *   guaranteed).
 * 100 inputs per call; a 207 is read per item: `errors[].context` names the failed ids / trace ids.
 * Property values are strings on HubSpot's wire.
 */
const ObjectSchema = z.lazy(() => z.looseObject({ id: z.string(), properties: z.record(z.string(), z.unknown()).optional(), objectWriteTraceId: z.string().optional(), new: z.boolean().optional() }));
const ErrorSchema = z.lazy(() => z.looseObject({ message: z.string(), category: z.string().optional(), context: z.record(z.string(), z.array(z.string())).optional() }));
const BatchSchema = z.lazy(() => z.looseObject({ results: z.array(ObjectSchema).default([]), errors: z.array(ErrorSchema).default([]) }));
const SearchSchema = z.lazy(() => z.looseObject({ total: z.number().optional(), results: z.array(ObjectSchema) }));

type Batch = z.infer<typeof BatchSchema>;

const asProps = (payload: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)]));

async function batch(http: HttpClient, object: string, op: 'create' | 'update' | 'upsert', inputs: unknown[]): Promise<Batch> {
  const res = await http.request({ method: 'POST', url: `/crm/v3/objects/${object}/batch/${op}`, body: { inputs }, stream: object });
  const parsed = BatchSchema.safeParse(res.body);
  if (!parsed.success) throw new MalformedPageError(`hubspot/${object} batch/${op}: unexpected response (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** The reason an error item gives for `key` (an id, an idProperty value or a trace id), if it names it. */
function errorFor(b: Batch, key: string): string | undefined {
  const e = b.errors.find((x) => Object.values(x.context ?? {}).some((ids) => ids.includes(key)));
  return e && `${e.category ?? 'ERROR'}: ${e.message}`;
}

const failed = (reason: string): DeliveryResult => ({ ok: false, reason, retryable: false });

export const hubspotDestination: Destination = {
  type: 'hubspot',
  batchSize: 100,

  checkTarget: (t) => (t.object ? [] : [{ path: 'target.object', message: 'name the HubSpot object, e.g. contacts' }]),

  async deliver(ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]> {
    const object = ctx.target.object!;
    const out: DeliveryResult[] = new Array(items.length);
    const known: number[] = [];
    const create: number[] = [];
    const upsert: number[] = [];
    const idProperty = ctx.match.length === 1 && ctx.onExisting === 'update' ? ctx.match[0] : undefined;

    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      const keys = ctx.match.map((f) => it.payload[f]);
      if (it.targetId) known.push(i);
      else if (!ctx.match.length || keys.some((k) => k === undefined)) create.push(i);
      else if (idProperty) upsert.push(i);
      else {
        // Several match fields (or "skip existing"): look the record up first.
        const res = await ctx.http.request({
          method: 'POST',
          url: `/crm/v3/objects/${object}/search`,
          body: { filterGroups: [{ filters: ctx.match.map((f) => ({ propertyName: f, operator: 'EQ', value: String(it.payload[f]) })) }], properties: ctx.match, limit: 1 },
          stream: object,
        });
        const found = SearchSchema.parse(res.body).results[0];
        if (!found) create.push(i);
        else if (ctx.onExisting === 'skip') out[i] = { ok: true, targetId: found.id, action: 'skipped' };
        else {
          it.targetId = found.id;
          known.push(i);
        }
      }
    }

    if (known.length) {
      const b = await batch(ctx.http, object, 'update', known.map((i) => ({ id: items[i].targetId, properties: asProps(items[i].payload) })));
      const ok = new Set(b.results.map((r) => r.id));
      for (const i of known) {
        const id = items[i].targetId!;
        out[i] = ok.has(id) ? { ok: true, targetId: id, action: 'updated' } : failed(errorFor(b, id) ?? 'HubSpot did not return the record');
      }
    }
    if (upsert.length) {
      const value = (i: number) => String(items[i].payload[idProperty!]);
      const b = await batch(ctx.http, object, 'upsert', upsert.map((i) => ({ idProperty, id: value(i), properties: asProps(items[i].payload) })));
      const norm = (v: unknown) => String(v).toLowerCase();
      for (const i of upsert) {
        const r = b.results.find((x) => norm(x.properties?.[idProperty!]) === norm(value(i)));
        out[i] = r ? { ok: true, targetId: r.id, action: r.new ? 'created' : 'updated' } : failed(errorFor(b, value(i)) ?? 'HubSpot did not return the record');
      }
    }
    if (create.length) {
      const b = await batch(ctx.http, object, 'create', create.map((i) => ({ properties: asProps(items[i].payload), objectWriteTraceId: items[i].sourceId })));
      const unused = new Set(b.results);
      for (const i of create) {
        const reason = errorFor(b, items[i].sourceId);
        // Results echo the trace id where HubSpot sends it; otherwise the result carrying exactly our properties.
        const props = asProps(items[i].payload);
        const r =
          [...unused].find((x) => x.objectWriteTraceId === items[i].sourceId) ??
          [...unused].find((x) => !x.objectWriteTraceId && Object.entries(props).every(([k, v]) => x.properties?.[k] === v));
        if (r) unused.delete(r);
        out[i] = !reason && r ? { ok: true, targetId: r.id, action: 'created' } : failed(reason ?? 'HubSpot did not return the record');
      }
    }
    return out;
  },

  /** `notes/batch/create` with the default note→object association (contact 202, company 190, deal 214). */
  async addNotes(ctx: DeliveryContext, notes: Note[]): Promise<(string | undefined)[]> {
    const typeId = NOTE_ASSOCIATION[ctx.target.object!];
    if (!typeId) return notes.map(() => `notes attach to contacts, companies and deals, not ${ctx.target.object}`);
    const out: (string | undefined)[] = [];
    for (let i = 0; i < notes.length; i += 100) {
      const chunk = notes.slice(i, i + 100);
      const b = await batch(
        ctx.http,
        'notes',
        'create',
        chunk.map((n, k) => ({
          objectWriteTraceId: String(i + k),
          properties: { hs_timestamp: new Date().toISOString(), hs_note_body: n.title ? `<b>${escapeHtml(n.title)}</b><br>${escapeHtml(n.body)}` : escapeHtml(n.body) },
          associations: [{ to: { id: n.targetId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }],
        })),
      );
      chunk.forEach((_, k) => out.push(errorFor(b, String(i + k))));
    }
    return out;
  },
};

const NOTE_ASSOCIATION: Record<string, number> = { contacts: 202, companies: 190, deals: 214 };
const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
