import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

/** The part of JSON Schema the catalog's config schemas use (z.toJSONSchema output, shared/services/catalog.ts). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  format?: string;
  minimum?: number;
  maximum?: number;
  writeOnly?: boolean;
  'x-secret'?: boolean;
}

type Obj = Record<string, unknown>;
export const MASK = '***';

let seq = 0;
const uid = () => `f${++seq}`;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type[0] : s.type);
const isSecret = (s: JsonSchema) => Boolean(s['x-secret'] || s.writeOnly);
/** A union whose members are objects told apart by a `kind` constant (the connectors' paging, auth…). */
const variants = (s: JsonSchema) => (s.oneOf ?? s.anyOf)?.filter((v) => v.properties?.kind?.const !== undefined);

/** Sets or removes (empty string, undefined) one key, immutably. */
function put(o: Obj, k: string, v: unknown): Obj {
  const next = { ...o };
  if (v === undefined || v === '') delete next[k];
  else next[k] = v;
  return next;
}

/**
 * A form generated from a JSON Schema object: one labelled control per property, named by the schema's title or
 * the field's name. Secret fields are password inputs; a stored secret shows `***` and stays `***` (kept by the
 * API) until the user types a new one.
 */
export function SchemaForm({ schema, value, onChange }: { schema: JsonSchema; value: Obj; onChange(v: Obj): void }) {
  return html`<${ObjectFields} schema=${schema} value=${value} onChange=${onChange} />`;
}

/**
 * The fields of one object. An optional object left empty requires nothing: its required fields only apply
 * once it has a value (a rate limit's `requests` is required only when there is a rate limit).
 */
function ObjectFields({ schema, value, onChange, skip, optional }: { schema: JsonSchema; value: Obj; onChange(v: Obj): void; skip?: string; optional?: boolean }) {
  const req = new Set(optional && Object.keys(value).length === 0 ? [] : (schema.required ?? []));
  return html`${Object.entries(schema.properties ?? {})
    .filter(([k]) => k !== skip)
    .map(([k, s]) => html`<${Field} key=${k} name=${k} schema=${s} required=${req.has(k)} value=${value[k]} onChange=${(v: unknown) => onChange(put(value, k, v))} />`)}`;
}

interface FieldProps {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange(v: unknown): void;
}

function Hint({ id, schema, extra }: { id: string; schema: JsonSchema; extra?: string }) {
  const text = [schema.description, schema.default !== undefined && typeof schema.default !== 'object' ? `Default: ${String(schema.default)}.` : '', extra].filter(Boolean).join(' ');
  return text ? html`<span class="hint" id=${id}>${text}</span>` : null;
}

/** Label, control, hint: the hint is outside the label, so a control's accessible name is its label alone. */
function Wrap({ id, label, schema, extra, children }: { id: string; label: string; schema: JsonSchema; extra?: string; children: unknown }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}<${Hint} id=${`${id}h`} schema=${schema} extra=${extra} /></div>`;
}

function Field(p: FieldProps) {
  const [id] = useState(uid);
  const { schema: s, name, value, onChange, required } = p;
  const label = s.title ?? name;
  const t = typeOf(s);
  const vs = variants(s);
  const inputEvent = (e: Event) => (e.target as HTMLInputElement).value;

  if (isSecret(s)) {
    const stored = value === MASK;
    return html`<${Wrap} id=${id} label=${label} schema=${s} extra=${stored ? 'Stored and sealed: shown as ***, sent only if you type a new one.' : 'Secret: sealed when saved, never shown again.'}>
      <input id=${id} type="password" autocomplete="new-password" required=${required && !stored} aria-describedby=${`${id}h`} value=${String(value ?? '')}
        onFocus=${(e: Event) => stored && (e.target as HTMLInputElement).select()} onInput=${(e: Event) => onChange(inputEvent(e))} />
    </${Wrap}>`;
  }
  if (vs?.length) {
    const cur = isObj(value) ? value : isObj(s.default) ? s.default : {};
    const kind = String(cur.kind ?? vs[0].properties!.kind.const);
    const chosen = vs.find((v) => v.properties!.kind.const === kind) ?? vs[0];
    return html`<fieldset><legend>${label}</legend>
      <${Wrap} id=${id} label="kind" schema=${{}}>
        <select id=${id} value=${kind} onChange=${(e: Event) => onChange({ kind: (e.target as HTMLSelectElement).value })}>
          ${vs.map((v) => html`<option value=${String(v.properties!.kind.const)}>${String(v.properties!.kind.const)}</option>`)}
        </select>
      </${Wrap}>
      <${ObjectFields} schema=${chosen} value=${{ ...cur, kind }} skip="kind" onChange=${(v: Obj) => onChange({ ...v, kind })} />
    </fieldset>`;
  }
  if (s.enum) {
    const cur = value ?? s.default ?? '';
    return html`<${Wrap} id=${id} label=${label} schema=${s}>
      <select id=${id} required=${required} aria-describedby=${`${id}h`} value=${String(cur)} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value || undefined)}>
        ${required || s.default !== undefined ? null : html`<option value="">(none)</option>`}
        ${s.enum.map((o) => html`<option value=${String(o)}>${String(o)}</option>`)}
      </select>
    </${Wrap}>`;
  }
  if (t === 'boolean') {
    return html`<label class="check"><input type="checkbox" checked=${Boolean(value ?? s.default)} onChange=${(e: Event) => onChange((e.target as HTMLInputElement).checked)} /> ${label}</label>`;
  }
  if (t === 'integer' || t === 'number') {
    return html`<${Wrap} id=${id} label=${label} schema=${s}>
      <input id=${id} type="number" required=${required} min=${s.minimum} max=${s.maximum} step=${t === 'integer' ? 1 : 'any'} aria-describedby=${`${id}h`} value=${value === undefined ? '' : String(value)}
        placeholder=${s.default === undefined ? undefined : String(s.default)} onInput=${(e: Event) => { const v = inputEvent(e); onChange(v === '' ? undefined : Number(v)); }} />
    </${Wrap}>`;
  }
  if (t === 'string') {
    return html`<${Wrap} id=${id} label=${label} schema=${s}>
      <input id=${id} type=${s.format === 'uri' ? 'url' : s.format === 'email' ? 'email' : 'text'} required=${required} aria-describedby=${`${id}h`} value=${String(value ?? '')}
        placeholder=${typeof s.default === 'string' ? s.default : undefined} onInput=${(e: Event) => onChange(inputEvent(e))} />
    </${Wrap}>`;
  }
  if (t === 'object' && s.properties) {
    return html`<fieldset><legend>${label}</legend><${ObjectFields} schema=${s} optional=${!required} value=${isObj(value) ? value : {}} onChange=${(v: Obj) => onChange(Object.keys(v).length ? v : undefined)} /></fieldset>`;
  }
  if (t === 'array' && s.items?.enum) {
    const cur = Array.isArray(value) ? value : Array.isArray(s.default) ? s.default : [];
    return html`<fieldset><legend>${label}</legend>
      ${s.items.enum.map((o) => html`<label class="check"><input type="checkbox" checked=${cur.includes(o)}
        onChange=${(e: Event) => onChange((e.target as HTMLInputElement).checked ? [...cur, o] : cur.filter((x) => x !== o))} /> ${String(o)}</label>`)}
    </fieldset>`;
  }
  if (t === 'array' && s.items && typeOf(s.items) === 'string') {
    const cur = Array.isArray(value) ? value.join('\n') : '';
    return html`<${Wrap} id=${id} label=${label} schema=${s} extra="One per line.">
      <textarea id=${id} aria-describedby=${`${id}h`} value=${cur} onInput=${(e: Event) => { const lines = inputEvent(e).split('\n').map((x) => x.trim()).filter(Boolean); onChange(lines.length ? lines : undefined); }} />
    </${Wrap}>`;
  }
  if (t === 'array' && s.items && typeOf(s.items) === 'object' && s.items.properties) {
    const items = Array.isArray(value) ? (value as Obj[]) : [];
    const set = (i: number, v: Obj) => onChange(items.map((x, j) => (j === i ? v : x)));
    return html`<fieldset><legend>${label}</legend>
      ${items.map((item, i) => html`<fieldset key=${i}><legend>${label} ${i + 1}</legend>
        <${ObjectFields} schema=${s.items!} value=${item} onChange=${(v: Obj) => set(i, v)} />
        <button type="button" class="secondary" onClick=${() => onChange(items.length > 1 ? items.filter((_, j) => j !== i) : undefined)}>Remove ${label} ${i + 1}</button>
      </fieldset>`)}
      <button type="button" class="secondary" onClick=${() => onChange([...items, {}])}>Add ${label}</button>
    </fieldset>`;
  }
  return html`<${JsonField} id=${id} label=${label} schema=${s} value=${value} onChange=${onChange} />`;
}

/** Anything the generator has no control for (maps of headers, free-form bodies): JSON, checked as typed. */
function JsonField({ id, label, schema, value, onChange }: { id: string; label: string; schema: JsonSchema; value: unknown; onChange(v: unknown): void }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState('');
  const edit = (t: string) => {
    setText(t);
    if (!t.trim()) return (setBad(''), onChange(undefined));
    try {
      onChange(JSON.parse(t));
      setBad('');
    } catch {
      setBad('Not valid JSON yet.');
    }
  };
  return html`<${Wrap} id=${id} label=${label} schema=${schema} extra=${bad || 'JSON.'}>
    <textarea id=${id} aria-describedby=${`${id}h`} aria-invalid=${bad ? 'true' : undefined} value=${text} onInput=${(e: Event) => edit((e.target as HTMLTextAreaElement).value)} />
  </${Wrap}>`;
}

/**
 * The PATCH body's config: only top-level fields that differ from what was loaded, and a secret only when the
 * user replaced its `***`.
 */
export function changedConfig(before: Obj, after: Obj): Obj {
  const out: Obj = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (after[k] === MASK) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k]) && after[k] !== undefined) out[k] = after[k];
  }
  return out;
}
