import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, enc } from '../api';
import { ErrorBox, Loading, Time, useAction, useGet } from '../ui';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** The tenant's API keys (shared/api/keys.ts): create one (shown once), revoke one after a confirmation. */
export function ApiKeys() {
  const list = useGet<{ keys: ApiKey[] }>('/api/keys');
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ name: string; key: string }>();
  const [confirming, setConfirming] = useState<string>();
  const create = useAction(async () => {
    const { body } = await call<ApiKey & { key: string }>('POST', '/api/keys', { body: { name: name.trim() || undefined } });
    setShown({ name: body.name, key: body.key });
    setName('');
    list.reload();
  });
  const revoke = useAction(async (id: string) => {
    await call('DELETE', `/api/keys/${enc(id)}`);
    setConfirming(undefined);
    list.reload();
  });
  return html`
    <h1>API keys</h1>
    <p class="hint">Programs send a key as <code>${'Authorization: Bearer <key>'}</code>; it acts as an admin of this tenant. Only its hash is kept.</p>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void create.run())}>
      <label>Key name
        <input name="keyName" maxlength="100" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <div class="actions"><button type="submit" disabled=${create.pending}>Create key</button></div>
    </form>
    ${shown ? html`<div class="notice" role="status"><strong>Key "${shown.name}" created. Copy it now: it is shown only this once.</strong><pre>${shown.key}</pre></div>` : null}
    <${ErrorBox} error=${create.error} />
    <${ErrorBox} error=${revoke.error} />
    <${ErrorBox} error=${list.error} />
    ${list.data
      ? html`<div class="scroll"><table>
          <thead><tr><th>Name</th><th>Starts with</th><th>Created</th><th>Last used</th><th>Actions</th></tr></thead>
          <tbody>${list.data.keys.map(
            (k) => html`<tr>
              <td>${k.name}</td><td><code>${k.prefix}…</code></td><td><${Time} iso=${k.createdAt} /></td><td><${Time} iso=${k.lastUsedAt} /></td>
              <td>${confirming === k.id
                ? html`<button type="button" class="danger" disabled=${revoke.pending} onClick=${() => revoke.run(k.id)}>Revoke ${k.name} now</button>
                       <button type="button" class="secondary" onClick=${() => setConfirming(undefined)}>Cancel</button>`
                : html`<button type="button" class="secondary" onClick=${() => setConfirming(k.id)}>Revoke</button>`}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : list.error ? null : html`<${Loading} what="keys" />`}`;
}
