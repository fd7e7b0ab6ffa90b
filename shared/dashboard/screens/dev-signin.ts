import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, call, session } from '../api';
import { ErrorBox, useAction } from '../ui';

/**
 * People sign in with a token of the same kind an IdP issues. On `npm start` the dev sign-in (POST /api/auth/dev,
 * local stack only) issues one for a tenant and role; the token is then used like a key.
 */
export function DevSignIn() {
  const [tenantId, setTenantId] = useState('');
  const [role, setRole] = useState('admin');
  const signIn = useAction(async () => {
    let token: string;
    try {
      token = (await call<{ token: string }>('POST', '/api/auth/dev', { body: { tenantId: tenantId.trim(), role }, key: '' })).body.token;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'route_not_found') throw new ApiError(404, 'route_not_found', 'Developer sign-in exists only on the local stack (npm start).');
      throw e;
    }
    session.signIn(token);
  });
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void signIn.run())} aria-labelledby="dev-signin">
      <h2 id="dev-signin">Developer sign-in (local stack)</h2>
      <label>Tenant id
        <input name="tenantId" required value=${tenantId} onInput=${(e: Event) => setTenantId((e.target as HTMLInputElement).value)} />
      </label>
      <label>Role
        <select name="role" value=${role} onChange=${(e: Event) => setRole((e.target as HTMLSelectElement).value)}>
          <option value="admin">admin</option>
          <option value="viewer">viewer</option>
        </select>
      </label>
      <p class="hint"><code>npm start</code> prints the demo tenant's id; a viewer can read but not change anything.</p>
      <button type="submit" disabled=${signIn.pending}>Developer sign-in</button>
      <${ErrorBox} error=${signIn.error} title="Sign-in failed" />
    </form>`;
}
