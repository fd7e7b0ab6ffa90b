import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, enc, type Integration, type Template } from '../api';
import { dataTypesOf, useTemplates } from '../catalog';
import { changedConfig, SchemaForm, type JsonSchema } from '../schema-form';
import { ErrorBox, Loading, navigate, useAction } from '../ui';
import { adviceFor } from './integration';

const STEPS = ['Connector', 'Settings', 'Test', 'Data types and interval'];

/**
 * Seed 000's setup, step by step: pick a connector → fill its generated form → test the connection → choose
 * data types and interval → save and watch the first sync. The integration is stored paused at step 2 (the
 * connection test runs on a stored integration, whose secrets are sealed) and activated at the end.
 */
export function CreateWizard() {
  const { templates, error } = useTemplates();
  const [step, setStep] = useState(0);
  const [template, setTemplate] = useState<Template>();
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [saved, setSaved] = useState<Integration>();
  if (error) return html`<h1>New integration</h1><${ErrorBox} error=${error} />`;
  if (!templates) return html`<h1>New integration</h1><${Loading} what="the catalog" />`;
  return html`
    <h1>New integration</h1>
    <ol class="steps" aria-label="Steps">${STEPS.map((s, i) => html`<li aria-current=${i === step ? 'step' : undefined}>${s}</li>`)}</ol>
    ${step === 0 ? html`<${Pick} templates=${templates} onPick=${(t: Template) => (setTemplate(t), setName(t.title), setConfig({}), setSaved(undefined), setStep(1))} />` : null}
    ${step === 1 && template
      ? html`<${Settings} template=${template} name=${name} setName=${setName} config=${config} setConfig=${setConfig} saved=${saved}
          onSaved=${(i: Integration) => (setSaved(i), setConfig(i.config), setStep(2))} onBack=${() => setStep(0)} />`
      : null}
    ${step === 2 && saved ? html`<${TestStep} i=${saved} onBack=${() => setStep(1)} onNext=${() => setStep(3)} />` : null}
    ${step === 3 && saved && template ? html`<${Finish} i=${saved} template=${template} onBack=${() => setStep(2)} />` : null}`;
}

function Pick({ templates, onPick }: { templates: Template[]; onPick(t: Template): void }) {
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const shown = templates.filter((t) => !needle || `${t.title} ${t.type} ${t.description}`.toLowerCase().includes(needle));
  return html`
    <h2>Pick a connector</h2>
    <label>Search connectors <input type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} /></label>
    <div class="cards">
      ${shown.map((t) => html`<div class="card">
        <button type="button" onClick=${() => onPick(t)}>${t.title}</button>
        <p>${t.description}</p>
      </div>`)}
    </div>`;
}

function Settings(p: { template: Template; name: string; setName(s: string): void; config: Record<string, unknown>; setConfig(c: Record<string, unknown>): void; saved?: Integration; onSaved(i: Integration): void; onBack(): void }) {
  const save = useAction(async () => {
    if (!p.saved) {
      const { body } = await call<Integration>('POST', '/api/integrations', { body: { name: p.name.trim(), type: p.template.type, config: p.config, status: 'inactive' } });
      return p.onSaved(body);
    }
    const config = changedConfig(p.saved.config, p.config);
    const { body } = await call<Integration>('PATCH', `/api/integrations/${enc(p.saved.id)}`, { body: { name: p.name.trim(), ...(Object.keys(config).length ? { config } : {}) }, ifMatch: p.saved.version });
    p.onSaved(body);
  });
  return html`
    <h2>${p.template.title} settings</h2>
    <p class="muted">${p.template.description}</p>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void save.run())}>
      <label>Name <input required maxlength="200" value=${p.name} onInput=${(e: Event) => p.setName((e.target as HTMLInputElement).value)} /></label>
      <${SchemaForm} schema=${p.template.configSchema as JsonSchema} value=${p.config} onChange=${p.setConfig} />
      <p class="hint">Saved paused (nothing syncs) until the last step; secrets are sealed on save.</p>
      <div class="actions">
        <button type="button" class="secondary" onClick=${p.onBack}>Back</button>
        <button type="submit" disabled=${save.pending}>Save and continue</button>
      </div>
    </form>
    <${ErrorBox} error=${save.error} />`;
}

function TestStep({ i, onBack, onNext }: { i: Integration; onBack(): void; onNext(): void }) {
  const [result, setResult] = useState<{ ok: boolean; message: string; latencyMs: number }>();
  const test = useAction(async () => setResult((await call<{ ok: boolean; message: string; latencyMs: number }>('POST', `/api/integrations/${enc(i.id)}/test`)).body));
  return html`
    <h2>Test the connection</h2>
    <p>Switchboard calls the vendor with these settings and reports what it answered.</p>
    <div class="actions"><button type="button" disabled=${test.pending} onClick=${() => test.run()}>Test connection</button></div>
    ${test.pending ? html`<p aria-live="polite">Testing the connection…</p>` : null}
    ${result
      ? html`<div class=${result.ok ? 'notice' : 'error'} role="status"><strong>${result.ok ? 'Connection OK' : 'Connection failed'}</strong> (${result.latencyMs} ms)<p>${result.message}</p>
          ${result.ok ? null : html`<p class="advice">What to do: ${adviceFor(result.message)}</p>`}</div>`
      : null}
    <${ErrorBox} error=${test.error} />
    <div class="actions">
      <button type="button" class="secondary" onClick=${onBack}>Back to settings</button>
      <button type="button" class=${result?.ok ? '' : 'secondary'} onClick=${onNext}>${result?.ok ? 'Next' : 'Continue without a passing test'}</button>
    </div>`;
}

function Finish({ i, template, onBack }: { i: Integration; template: Template; onBack(): void }) {
  const types = dataTypesOf(template, i.config);
  const [chosen, setChosen] = useState<string[]>(types);
  const [interval, setIntervalMin] = useState(String(i.syncInterval));
  const go = useAction(async () => {
    // The connection test may have moved the version (a refreshed token is stored), so activate the current one.
    const { version } = await call('GET', `/api/integrations/${enc(i.id)}`);
    await call('PATCH', `/api/integrations/${enc(i.id)}`, { body: { status: 'active', syncInterval: Number(interval) }, ifMatch: version });
    const all = chosen.length === types.length;
    const { body } = await call<{ runId: string }>('POST', `/api/integrations/${enc(i.id)}/sync`, { body: all ? {} : { dataTypes: chosen } });
    navigate(`/integrations/${enc(i.id)}/runs/${enc(body.runId)}`);
  });
  const toggle = (t: string, on: boolean) => setChosen(on ? [...chosen, t] : chosen.filter((x) => x !== t));
  return html`
    <h2>Data types and interval</h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void go.run())}>
      ${types.length
        ? html`<fieldset><legend>Data types of the first sync</legend>
            ${types.map((t) => html`<label class="check"><input type="checkbox" checked=${chosen.includes(t)} onChange=${(e: Event) => toggle(t, (e.target as HTMLInputElement).checked)} /> ${t}</label>`)}
            <p class="hint">Scheduled syncs read every data type the settings define.</p>
          </fieldset>`
        : html`<p class="muted">This connector's data types come from its settings.</p>`}
      <label>Sync interval (minutes)
        <input type="number" required min="1" max="10080" step="1" value=${interval} onInput=${(e: Event) => setIntervalMin((e.target as HTMLInputElement).value)} />
      </label>
      <div class="actions">
        <button type="button" class="secondary" onClick=${onBack}>Back</button>
        <button type="submit" disabled=${go.pending || (types.length > 0 && chosen.length === 0)}>Save and start the first sync</button>
      </div>
    </form>
    <${ErrorBox} error=${go.error} />`;
}
