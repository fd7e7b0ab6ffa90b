import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, session } from '../api';
import { ErrorBox, useAction, useGet } from '../ui';
import { DevSignIn } from './dev-signin';
import { SsoSignIn, type AuthConfig } from './sso';

/**
 * The only screen before sign-in. The key is checked against the API before it is kept (in this tab's
 * sessionStorage, gone when the tab closes).
 */
export function SignIn() {
  const [key, setKey] = useState('');
  // Which other ways in this API offers: SSO when a provider is configured, the dev sign-in on the local stack only.
  const ways = useGet<AuthConfig>('/api/auth/config');
  const check = useAction(async (k: string) => {
    await call('GET', '/api/integrations?limit=1', { key: k });
    session.signIn(k);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void check.run(key.trim());
  };
  return html`<section class="signin">
    <h1>Sign in to Switchboard</h1>
    <${ErrorBox} error=${session.ended()} title="You were signed out" />
    <form onSubmit=${submit}>
      <label>API key
        <input type="password" name="apiKey" autocomplete="current-password" required value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      </label>
      <p class="hint">The key <code>npm start</code> printed on first start, or one from <code>${'npx switchboard tenants create <name> --json'}</code>.</p>
      <button type="submit" disabled=${check.pending}>Sign in</button>
    </form>
    <${ErrorBox} error=${check.error} title="Sign-in failed" />
    <${SsoSignIn} settings=${ways.data?.sso} error=${ways.error} />
    ${ways.data?.devSignIn ? html`<${DevSignIn} />` : null}
  </section>`;
}
