import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { ApiError, call, session } from '../api';
import { ErrorBox, navigate, useAction } from '../ui';

export interface SsoSettings {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  scope: string;
}

/** Where the provider sends people back: an app route (served index.html), not under /sso, which is the API's. */
export const CALLBACK_PATH = '/auth/callback';
/** What this tab remembers between leaving for the provider and coming back; used once. */
const PENDING = 'switchboard.ssoPending';

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** RFC 7636 §4.2: S256, the challenge is BASE64URL(SHA-256(verifier)). */
async function challengeOf(verifier: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** GET /api/auth/config: how people sign in here. */
export interface AuthConfig {
  sso: SsoSettings | null;
  devSignIn: boolean;
}

/**
 * "Sign in with SSO": the OIDC authorization-code flow with PKCE against the provider GET /api/auth/config names.
 * This tab makes the verifier, state and nonce (kept in its sessionStorage) and leaves for the provider; back at
 * /auth/callback, the state must be the one it sent, the code is exchanged by POST /api/auth/token (which verifies
 * the ID token), and the token's nonce must be the one it sent. The ID token is then kept like a key and the API
 * called under /sso/api. Renders nothing when no provider is configured.
 */
export function SsoSignIn({ settings, error }: { settings?: SsoSettings | null; error?: unknown }) {
  const callback = location.pathname === CALLBACK_PATH;
  const finish = useAction(completeSignIn);
  useEffect(() => {
    if (callback) void finish.run(new URLSearchParams(location.search));
  }, []);
  const start = useAction(async () => {
    const s = settings!;
    const pending = { state: random(), nonce: random(), verifier: random(), redirectUri: `${location.origin}${CALLBACK_PATH}` };
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: s.clientId,
      redirect_uri: pending.redirectUri,
      scope: s.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await challengeOf(pending.verifier),
      code_challenge_method: 'S256',
    });
    location.assign(`${s.authorizationEndpoint}?${q}`);
  });
  if (!settings && !error && !finish.pending && !finish.error && !callback) return null;
  return html`<section aria-labelledby="sso-signin">
    <h2 id="sso-signin">Single sign-on</h2>
    ${settings ? html`<button type="button" disabled=${start.pending || finish.pending} onClick=${() => void start.run()}>Sign in with SSO</button>` : null}
    ${finish.pending ? html`<p role="status">Signing you in…</p>` : null}
    <${ErrorBox} error=${finish.error ?? start.error ?? error} title="SSO sign-in failed" />
  </section>`;
}

async function completeSignIn(params: URLSearchParams): Promise<void> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  // The answer's query string (code, state) is not left in the address bar or the history.
  history.replaceState(null, '', '/');
  const fail = (code: string, message: string) => new ApiError(400, code, message);
  if (params.get('error')) throw fail(params.get('error')!, `The sign-in provider answered: ${params.get('error_description') ?? params.get('error')}.`);
  const pending = raw ? (JSON.parse(raw) as { state: string; nonce: string; verifier: string; redirectUri: string }) : undefined;
  // RFC 6749 §10.12: an answer to a sign-in this tab did not start (a forged or replayed link) is refused.
  if (!pending || params.get('state') !== pending.state) throw fail('state_mismatch', 'This sign-in answer does not belong to a sign-in started in this tab: start again.');
  const code = params.get('code');
  if (!code) throw fail('no_code', 'The sign-in provider sent no authorization code: start again.');
  const { body } = await call<{ idToken: string; nonce?: string }>('POST', '/api/auth/token', { key: '', body: { code, codeVerifier: pending.verifier, redirectUri: pending.redirectUri } });
  // OIDC Core §3.1.3.7: the ID token must carry the nonce this tab sent, or it was not issued for this sign-in.
  if (body.nonce !== pending.nonce) throw fail('nonce_mismatch', 'The ID token was not issued for this sign-in (nonce): start again.');
  navigate('/', true);
  session.signIn(body.idToken, 'sso');
}
