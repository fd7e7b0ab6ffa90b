import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, call, enc, type Integration, type Template } from '../api';
import { changedConfig, SchemaForm, type JsonSchema } from '../schema-form';
import { Confirm, ErrorBox, navigate, useAction } from '../ui';

/** The version this page last saved, so the form reloaded at it can say so. */
let lastSaved = '';

/**
 * Settings: name, interval and the connector's config form. Saves a PATCH of what changed, guarded by the
 * version this form was loaded at (If-Match), so another edit made meanwhile is a conflict, not overwritten.
 */
export function EditIntegration({ i, template, onSaved }: { i: Integration; template: Template; onSaved(): void }) {
  const [name, setName] = useState(i.name);
  const [interval, setInterval] = useState(String(i.syncInterval));
  const [config, setConfig] = useState<Record<string, unknown>>(i.config);
  const dialog = useRef<HTMLDialogElement>(null);
  const save = useAction(async () => {
    const body: Record<string, unknown> = {};
    if (name.trim() !== i.name) body.name = name.trim();
    if (Number(interval) !== i.syncInterval) body.syncInterval = Number(interval);
    const c = changedConfig(i.config, config);
    if (Object.keys(c).length) body.config = c;
    const r = await call('PATCH', `/api/integrations/${enc(i.id)}`, { body, ifMatch: i.version });
    lastSaved = `${i.id}:${r.version}`;
    onSaved();
  });
  const remove = useAction(async () => {
    await call('DELETE', `/api/integrations/${enc(i.id)}`);
    navigate('/');
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  return html`
    <form onSubmit=${(e: Event) => (e.preventDefault(), void save.run())}>
      <label>Name <input required maxlength="200" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></label>
      <label>Sync interval (minutes)
        <input type="number" required min="1" max="10080" step="1" value=${interval} onInput=${(e: Event) => setInterval((e.target as HTMLInputElement).value)} />
      </label>
      <h2>${template.title} settings</h2>
      <${SchemaForm} schema=${template.configSchema as JsonSchema} value=${config} onChange=${setConfig} />
      <p class="hint">Editing version ${i.version}. Changing where secrets are sent (a base URL, host or token URL) needs those secrets typed again.</p>
      <div class="actions"><button type="submit" disabled=${save.pending}>Save</button></div>
    </form>
    ${lastSaved === `${i.id}:${i.version}` ? html`<p class="notice" role="status">Saved as version ${i.version}.</p>` : null}
    <${ErrorBox} error=${save.error} />
    ${conflict
      ? html`<p>Your changes were not saved. <button type="button" class="secondary" onClick=${onSaved}>Load the latest version</button> (discards your edits on this page).</p>`
      : null}
    <h2>Danger zone</h2>
    <button type="button" class="danger" onClick=${() => dialog.current?.showModal()}>Delete integration</button>
    <${Confirm} dialogRef=${dialog} title=${`Delete ${i.name}?`} yes="Delete" danger onYes=${() => void remove.run()}>
      This removes its secrets, state, runs and every synced record. It cannot be undone.
    </${Confirm}>
    <${ErrorBox} error=${remove.error} />`;
}
