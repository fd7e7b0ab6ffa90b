import * as z from 'zod';
import { AppError } from '../errors';
import { verifyJwt, type TrustedIssuer } from './jwt';
import { idpAnswer, type OidcProvider } from './oidc';

/** What the dashboard needs to send a person to the IdP: nothing secret (a public client, PKCE instead of a secret). */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  scope: string;
}

/** `openid` makes it OIDC (an ID token); `email` carries the claim people are usually mapped by. */
const SCOPE = 'openid email';

export const CodeExchangeSchema = z.lazy(() =>
  z.strictObject({
    code: z.string().min(1).max(2048),
    // RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
    codeVerifier: z.string().regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'must be an RFC 7636 code verifier (43 to 128 unreserved characters)'),
    redirectUri: z.string().url().max(2048),
  }),
);
export type CodeExchange = z.infer<typeof CodeExchangeSchema>;

/** RFC 6749 §5.1 (and OIDC Core §3.1.3.3: `id_token`); we keep nothing else of the answer. */
const TokenResponseSchema = z.lazy(() => z.object({ id_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.number().optional() }));
/** RFC 6749 §5.2. */
const TokenErrorSchema = z.lazy(() => z.object({ error: z.string(), error_description: z.string().optional() }));

/**
 * The OIDC authorization-code flow with PKCE (RFC 7636) for the dashboard, a public client: the browser makes the
 * verifier, the state and the nonce and sends the person to the IdP; the code it gets back is exchanged here, at the
 * IdP's token endpoint through the one guarded HTTP client, so the page's CSP keeps `connect-src 'self'` and no IdP
 * needs CORS. The ID token is verified before it is handed back, with the nonce it carries for the browser to match.
 */
export class CodeFlow {
  constructor(
    private readonly provider: OidcProvider,
    private readonly trusted: TrustedIssuer,
  ) {}

  async settings(): Promise<SignInSettings> {
    const { authorizationEndpoint } = await this.endpoints();
    return { issuer: this.trusted.issuer, clientId: this.trusted.audience, authorizationEndpoint, scope: SCOPE };
  }

  async exchange(input: CodeExchange): Promise<{ idToken: string; expiresAt: string; nonce?: string }> {
    const { tokenEndpoint } = await this.endpoints();
    const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: this.trusted.audience, code: input.code, code_verifier: input.codeVerifier, redirect_uri: input.redirectUri });
    const res = await this.provider.client.request({
      method: 'POST',
      url: tokenEndpoint,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      okStatuses: [400, 401],
    });
    if (res.status !== 200) {
      const e = TokenErrorSchema.safeParse(res.body);
      // A used, expired or foreign code, or a verifier that does not match it: the person signs in again.
      if (e.success && e.data.error === 'invalid_grant') throw new AppError('invalid_grant', 'The sign-in provider did not accept this sign-in (the code was used, expired, or not for this browser): sign in again.', 400);
      throw new AppError('oidc_provider_error', `The sign-in provider refused to exchange the code (${e.success ? e.data.error : `HTTP ${res.status}`}): check the app client's settings (client id, redirect URL, public client without a secret).`, 500);
    }
    const { id_token } = idpAnswer(TokenResponseSchema, res.body, 'token response');
    const claims = await verifyJwt(id_token, [this.trusted]);
    return { idToken: id_token, expiresAt: new Date(claims.exp! * 1000).toISOString(), ...(typeof claims.nonce === 'string' ? { nonce: claims.nonce } : {}) };
  }

  private async endpoints(): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
    const d = await this.provider.discovery();
    if (!d.authorization_endpoint || !d.token_endpoint)
      throw new AppError('oidc_provider_error', "The sign-in provider's discovery document names no authorization or token endpoint: it cannot sign people in with a code.", 500);
    return { authorizationEndpoint: d.authorization_endpoint, tokenEndpoint: d.token_endpoint };
  }
}
