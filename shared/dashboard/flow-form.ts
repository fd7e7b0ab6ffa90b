import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { Integration, Template } from './api';
import { dataTypesOf } from './catalog';

/** The editable part of a flow (shared/flows/schema.ts flowFields), as the API takes it. */
export interface FlowDraft {
  name: string;
  /** `error` is the flow's health, set by runs; an edit sends only active or inactive. */
  status: 'active' | 'inactive' | 'error';
  source: { integrationId: string; dataType: string; filter?: string };
  /** None for a flow of actions only. */
  target?: { integrationId: string; object?: string; path?: string; method?: 'POST' | 'PUT' | 'PATCH' };
  mapping?: Record<string, string>;
  /** Per-record actions (shared/actions/schema.ts), edited as JSON. */
  actions?: unknown[];
  match: string[];
  required: string[];
  trigger: 'realtime' | 'schedule' | 'manual';
  schedule?: number;
  onExisting: 'update' | 'skip';
}

export const emptyFlow = (): FlowDraft => ({
  name: '',
  status: 'active',
  source: { integrationId: '', dataType: '' },
  target: { integrationId: '' },
  mapping: {},
  actions: [],
  match: [],
  required: [],
  trigger: 'manual',
  onExisting: 'update',
});

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const mappingText = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} = ${v}`).join('\n');

/** `field = template` per line; the first `=` splits, so a template may contain `=`. */
export function parseMapping(text: string): { mapping: Record<string, string>; bad: number[] } {
  const mapping: Record<string, string> = {};
  const bad: number[] = [];
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    const at = line.indexOf('=');
    if (at <= 0 || !line.slice(0, at).trim()) return void bad.push(n + 1);
    mapping[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return { mapping, bad };
}

/** The body to send: optional parts left out when empty, so the API's defaults apply. */
export function flowBody(d: FlowDraft): Record<string, unknown> {
  const t = d.target;
  let target: Record<string, unknown> | undefined;
  if (t?.integrationId) {
    target = { integrationId: t.integrationId };
    if (t.object) target.object = t.object;
    // The select shows POST until another is picked: send what it shows.
    if (t.path) Object.assign(target, { path: t.path, method: t.method ?? 'POST' });
  }
  return {
    name: d.name.trim(),
    ...(d.status === 'error' ? {} : { status: d.status }),
    source: { integrationId: d.source.integrationId, dataType: d.source.dataType, ...(d.source.filter?.trim() ? { filter: d.source.filter.trim() } : {}) },
    ...(target ? { target, mapping: d.mapping ?? {} } : {}),
    ...(d.actions?.length ? { actions: d.actions } : {}),
    match: d.match,
    required: d.required,
    trigger: d.trigger,
    ...(d.trigger === 'schedule' ? { schedule: d.schedule ?? 60 } : {}),
    onExisting: d.onExisting,
  };
}

/** The flow editor's fields; the caller owns the form element and its buttons. */
export function FlowFields({ draft, set, integrations, templates }: { draft: FlowDraft; set(d: FlowDraft): void; integrations: Integration[]; templates: Template[] }) {
  const [mapText, setMapText] = useState(mappingText(draft.mapping ?? {}));
  const [bad, setBad] = useState<number[]>([]);
  const [actionsText, setActionsText] = useState(draft.actions?.length ? JSON.stringify(draft.actions, null, 2) : '');
  const [badActions, setBadActions] = useState(false);
  const target = draft.target ?? { integrationId: '' };
  const setTarget = (t: Partial<NonNullable<FlowDraft['target']>>) => set({ ...draft, target: { ...target, ...t } });
  const editActions = (text: string) => {
    setActionsText(text);
    try {
      const parsed: unknown = text.trim() ? JSON.parse(text) : [];
      setBadActions(!Array.isArray(parsed));
      if (Array.isArray(parsed)) set({ ...draft, actions: parsed });
    } catch {
      setBadActions(true);
    }
  };
  const source = integrations.find((i) => i.id === draft.source.integrationId);
  const types = source ? dataTypesOf(templates.find((t) => t.type === source.type), source.config) : [];
  const val = (e: Event) => (e.target as HTMLInputElement).value;
  const editMapping = (text: string) => {
    setMapText(text);
    const r = parseMapping(text);
    setBad(r.bad);
    set({ ...draft, mapping: r.mapping });
  };
  const pick = (label: string, value: string, onPick: (id: string) => void, required = true) => html`<label>${label}
    <select required=${required} value=${value} onChange=${(e: Event) => onPick((e.target as HTMLSelectElement).value)}>
      <option value="">${required ? '(choose)' : '(none: actions only)'}</option>
      ${integrations.map((i) => html`<option value=${i.id}>${i.name} (${i.type})</option>`)}
    </select>
  </label>`;
  return html`
    <label>Flow name <input required maxlength="200" value=${draft.name} onInput=${(e: Event) => set({ ...draft, name: val(e) })} /></label>
    <fieldset><legend>Source</legend>
      ${pick('Source integration', draft.source.integrationId, (id) => set({ ...draft, source: { ...draft.source, integrationId: id } }))}
      <label>Source data type
        <input required list="flow-types" value=${draft.source.dataType} onInput=${(e: Event) => set({ ...draft, source: { ...draft.source, dataType: val(e) } })} />
      </label>
      <datalist id="flow-types">${types.map((t) => html`<option value=${t} />`)}</datalist>
      <label>Filter <textarea value=${draft.source.filter ?? ''} onInput=${(e: Event) => set({ ...draft, source: { ...draft.source, filter: val(e) } })} /></label>
      <p class="hint">Optional, seed 003's sync_conditions, e.g. <code>Status = 'Qualified' AND LastModifiedDate > YESTERDAY</code>.</p>
    </fieldset>
    <fieldset><legend>Target</legend>
      ${pick('Target integration', target.integrationId, (id) => setTarget({ integrationId: id }), false)}
      <label>Target object <input value=${target.object ?? ''} onInput=${(e: Event) => setTarget({ object: val(e) || undefined })} /></label>
      <p class="hint">For CRMs: HubSpot <code>contacts</code>, Zoho <code>Leads</code>, Salesforce <code>Lead</code>. For a REST endpoint, give a path instead.</p>
      <label>Target path <input value=${target.path ?? ''} onInput=${(e: Event) => setTarget({ path: val(e) || undefined })} /></label>
      <label>Target method
        <select value=${target.method ?? 'POST'} onChange=${(e: Event) => setTarget({ method: val(e) as 'POST' | 'PUT' | 'PATCH' })}>
          <option>POST</option><option>PUT</option><option>PATCH</option>
        </select>
      </label>
    </fieldset>
    <label>Mapping <textarea required=${Boolean(target.integrationId)} rows="6" aria-invalid=${bad.length ? 'true' : undefined} value=${mapText} onInput=${(e: Event) => editMapping(val(e))} /></label>
    <p class="hint">${bad.length ? html`<span class="err-text">Line ${bad.join(', ')}: write <code>field = template</code>. </span>` : null}One target field per line: <code>email = \${Email:lowercase}</code>.</p>
    <label>Actions <textarea rows="4" aria-invalid=${badActions ? 'true' : undefined} value=${actionsText} onInput=${(e: Event) => editActions(val(e))} /></label>
    <p class="hint">${badActions ? html`<span class="err-text">Not a JSON array yet. </span>` : null}Optional: a JSON array of per-record actions after the target write (or instead of a target), e.g. <code>[{"type": "slack", "integrationId": "…", "text": "New lead \${Email}"}]</code>.</p>
    <label>Match fields <input value=${draft.match.join(', ')} onInput=${(e: Event) => set({ ...draft, match: list(val(e)) })} /></label>
    <label>Required fields <input value=${draft.required.join(', ')} onInput=${(e: Event) => set({ ...draft, required: list(val(e)) })} /></label>
    <p class="hint">Comma-separated target fields: match finds the existing record; a record missing a required field is not sent.</p>
    <label>Trigger
      <select value=${draft.trigger} onChange=${(e: Event) => set({ ...draft, trigger: val(e) as FlowDraft['trigger'] })}>
        <option value="manual">manual</option><option value="schedule">schedule</option><option value="realtime">realtime</option>
      </select>
    </label>
    ${draft.trigger === 'schedule'
      ? html`<label>Every (minutes) <input type="number" required min="1" max="10080" value=${draft.schedule ?? 60} onInput=${(e: Event) => set({ ...draft, schedule: Number(val(e)) })} /></label>`
      : null}
    <label>When the target record exists
      <select value=${draft.onExisting} onChange=${(e: Event) => set({ ...draft, onExisting: val(e) as FlowDraft['onExisting'] })}>
        <option value="update">update</option><option value="skip">skip</option>
      </select>
    </label>
    <label>Flow status
      <select value=${draft.status} onChange=${(e: Event) => set({ ...draft, status: val(e) as FlowDraft['status'] })}>
        ${draft.status === 'error' ? html`<option value="error" disabled>error</option>` : null}
        <option value="active">active</option><option value="inactive">inactive</option>
      </select>
    </label>`;
}
