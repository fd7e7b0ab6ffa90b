import type { TypeStore } from './hubspot-store';

/**
 * HubSpot's batch write endpoints (shared/api-facts/hubspot-destination.md), for the HubSpot sandbox:
 * `POST /crm/v3/objects/{type}/batch/{create|update|upsert}` with `{inputs}` (at most 100, else 400).
 * - create: 201 with `results` when every input succeeds; a contact whose email exists already is a 409
 *   CONFLICT item ("Contact already exists. Existing ID: …"), an invalid email a 400 VALIDATION_ERROR item.
 * - update: `inputs[].id` (or `idProperty`); an unknown id is an OBJECT_NOT_FOUND item.
 * - upsert: `inputs[].{idProperty, id}`: updates the record whose `idProperty` equals `id` (emails compared
 *   case-insensitively, as HubSpot does) or creates it; results carry `new`.
 * Any failed item makes the answer 207 `{status:"COMPLETE", results, errors, numErrors}`; an error item's
 * `context` names the ids / emails / `objectWriteTraceId`s it is about, since result order is not guaranteed.
 * `reject(props)` lets a test refuse chosen records with a 400 item of its own text.
 */
export interface WriteOptions {
  reject?: (props: Record<string, string | null>) => string | undefined;
}

type Input = { id?: unknown; idProperty?: unknown; properties?: Record<string, unknown>; objectWriteTraceId?: unknown };
export interface WriteAnswer {
  status: number;
  body: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function batchWrite(s: TypeStore, op: string, body: Record<string, unknown>, opts: WriteOptions = {}): WriteAnswer {
  const inputs = Array.isArray(body.inputs) ? (body.inputs as Input[]) : undefined;
  if (!inputs?.length) return { status: 400, body: { status: 'error', message: 'inputs must not be empty', category: 'VALIDATION_ERROR' } };
  if (inputs.length > 100) return { status: 400, body: { status: 'error', message: `Batch input size ${inputs.length} exceeds the limit of 100`, category: 'VALIDATION_ERROR' } };
  const results: unknown[] = [];
  const errors: unknown[] = [];
  const fail = (status: number, category: string, message: string, context: Record<string, string[]>) => errors.push({ status: 'error', category, message, context, errors: [] });
  // One index per call (not a scan per input): a 10,000-contact portal stays fast for the benchmark.
  const norm = (prop: string, v: string | null | undefined) => (v == null ? undefined : prop === 'email' ? v.toLowerCase() : v);
  const index = new Map<string, Map<string, string>>();
  const find = (prop: string, value: string) => {
    let byValue = index.get(prop);
    if (!byValue) {
      byValue = new Map();
      for (const r of s.all()) {
        const k = norm(prop, r.properties[prop]);
        if (k !== undefined) byValue.set(k, r.id);
      }
      index.set(prop, byValue);
    }
    const id = byValue.get(norm(prop, value)!);
    return id === undefined ? undefined : s.get(id);
  };
  const remember = (rec: { id: string; properties: Record<string, string | null> }) => {
    for (const [prop, byValue] of index) {
      const k = norm(prop, rec.properties[prop]);
      if (k !== undefined) byValue.set(k, rec.id);
    }
  };

  for (const input of inputs) {
    const props = Object.fromEntries(Object.entries(input.properties ?? {}).map(([k, v]) => [k, v === null ? null : String(v)]));
    const trace: Record<string, string[]> = input.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: [String(input.objectWriteTraceId)] };
    const key: Record<string, string[]> = op === 'create' ? trace : { ids: [String(input.id)], ...trace };
    if (props.email && !EMAIL.test(props.email)) {
      fail(400, 'VALIDATION_ERROR', `Property values were not valid: [{"isValid":false,"message":"Email address ${props.email} is invalid","error":"INVALID_EMAIL","name":"email"}]`, key);
      continue;
    }
    const refused = opts.reject?.(props);
    if (refused) {
      fail(400, 'VALIDATION_ERROR', refused, key);
      continue;
    }
    if (op === 'create') {
      const dup = props.email ? find('email', props.email) : undefined;
      if (s.type === 'contacts' && dup) {
        fail(409, 'CONFLICT', `Contact already exists. Existing ID: ${dup.id}`, trace);
        continue;
      }
      // Associations given on create (notes → their contact) are kept in a sandbox-only property a test can read.
      const linked = (input as { associations?: Array<{ to?: { id?: unknown } }> }).associations?.map((a) => String(a.to?.id)).join(';');
      const created = s.set(undefined, linked ? { ...props, sandbox_associated_ids: linked } : props);
      remember(created);
      results.push(s.view(created, Object.keys(props)));
    } else if (op === 'update') {
      const rec = input.idProperty ? find(String(input.idProperty), String(input.id)) : s.get(String(input.id));
      if (!rec) {
        fail(404, 'OBJECT_NOT_FOUND', `Object not found. objectId are usually numeric.`, key);
        continue;
      }
      const saved = s.set(rec.id, props);
      remember(saved);
      results.push(s.view(saved, Object.keys(props)));
    } else {
      const prop = String(input.idProperty ?? 'hs_object_id');
      const rec = find(prop, String(input.id));
      const saved = s.set(rec?.id, rec ? props : { [prop]: String(input.id), ...props });
      remember(saved);
      results.push({ ...s.view(saved, Object.keys(props)), new: !rec });
    }
  }
  const now = new Date().toISOString();
  const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: now, completedAt: now };
  if (errors.length) Object.assign(out, { numErrors: errors.length, errors });
  return { status: errors.length ? 207 : op === 'create' ? 201 : 200, body: out };
}
