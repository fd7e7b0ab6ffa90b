import type { JSONWebKeySet } from 'jose';
import * as z from 'zod';
import { config } from '../config';
import { AppError } from '../errors';
import { HttpClient } from '../http/client';
import type { HttpLimits } from '../http/limits';
import type { TrustedIssuer } from './jwt';

const DiscoverySchema = z.lazy(() =>
  z.object({
    issuer: z.string(),
    jwks_uri: z.string().url(),
    // Required by OpenID Connect Discovery 1.0 §3 for the code flow; optional here since verifying tokens needs neither.
    authorization_endpoint: z.string().url().optional(),
    token_endpoint: z.string().url().optional(),
  }),
);
export type Discovery = z.infer<typeof DiscoverySchema>;
const JwksSchema = z.lazy(() => z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) }));

/** What the IdP answers is not the caller's mistake: a bad document is our 500, never a 400. */
export function idpAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new AppError('oidc_provider_error', `The sign-in provider's ${what} is not what OIDC specifies.`, 500);
  return r.data;
}

/** Keys are re-read at most this often when a token names an unknown key, and at least this often anyway. */
const REFRESH_COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 60 * 60_000;

/** An OIDC provider as we use it: its discovery document, its signing keys, and the one client that reads them. */
export interface OidcProvider {
  client: HttpClient;
  /** `<issuer>/.well-known/openid-configuration`, checked to name the issuer, kept for an hour. */
  discovery(): Promise<Discovery>;
  keys: TrustedIssuer['keys'];
}

/**
 * An OIDC provider's discovery document and signing keys (`jwks_uri`), read through the one guarded HTTP client and
 * kept for the process. A token naming a key we do not hold re-reads them (the IdP rotated), at most every 30 s, so
 * forged key ids cannot make us hammer the IdP.
 */
export function oidcProvider(issuer: string, opts: { limits?: HttpLimits; now?: () => number } = {}): OidcProvider {
  const now = opts.now ?? Date.now;
  const client = new HttpClient({ connector: 'oidc', integrationId: issuer, limits: opts.limits, timeoutMs: 10_000, retry: { maxRetries: 2, rateLimitBudgetMs: 5_000 } });
  const readDiscovery = async (): Promise<Discovery> => {
    const d = idpAnswer(DiscoverySchema, (await client.request({ url: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration` })).body, 'discovery document');
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (d.issuer !== issuer) throw new AppError('oidc_issuer_mismatch', `The OIDC discovery document names issuer ${d.issuer}, not ${issuer}.`, 500);
    return d;
  };
  let doc: { d: Discovery; at: number } | undefined;
  const discovery = async () => {
    if (!doc || now() - doc.at >= MAX_AGE_MS) doc = { d: await readDiscovery(), at: now() };
    return doc.d;
  };
  let cached: { jwks: JSONWebKeySet; at: number } | undefined;
  let pending: Promise<JSONWebKeySet> | undefined;
  const load = async (): Promise<JSONWebKeySet> => {
    // Discovery is read again with the keys: a rotation may move jwks_uri too.
    const d = await readDiscovery();
    doc = { d, at: now() };
    const jwks = idpAnswer(JwksSchema, (await client.request({ url: d.jwks_uri })).body, 'key set') as JSONWebKeySet;
    cached = { jwks, at: now() };
    return jwks;
  };
  const keys: TrustedIssuer['keys'] = async (refresh) => {
    const age = cached ? now() - cached.at : Infinity;
    if (cached && age < MAX_AGE_MS && (!refresh || age < REFRESH_COOLDOWN_MS)) return cached.jwks;
    pending ??= load().finally(() => (pending = undefined));
    return pending;
  };
  return { client, discovery, keys };
}

/** The provider's signing keys alone (see oidcProvider). */
export const oidcKeys = (issuer: string, opts: { limits?: HttpLimits; now?: () => number } = {}): TrustedIssuer['keys'] => oidcProvider(issuer, opts).keys;

/** The IdP of the stage parameters (OIDC_ISSUER, OIDC_AUDIENCE, OIDC_ALGORITHMS), or none: API keys only. */
export function configuredIssuer(limits?: HttpLimits): TrustedIssuer | undefined {
  return configuredProvider(limits)?.trusted;
}

/** The configured IdP as a trusted issuer, and as the provider the dashboard signs people in with. */
export function configuredProvider(limits?: HttpLimits): { trusted: TrustedIssuer; provider: OidcProvider } | undefined {
  const c = config();
  if (!c.OIDC_ISSUER) return undefined;
  if (!c.OIDC_AUDIENCE) throw new AppError('config_error', 'OIDC_ISSUER is set without OIDC_AUDIENCE: the audience (client id) of the sign-in tokens is needed.');
  const provider = oidcProvider(c.OIDC_ISSUER, { limits });
  return { provider, trusted: { issuer: c.OIDC_ISSUER, audience: c.OIDC_AUDIENCE, algorithms: c.OIDC_ALGORITHMS, keys: provider.keys } };
}
