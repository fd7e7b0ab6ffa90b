import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { config } from '../config';
import { AppError } from '../errors';
import { HttpClient } from '../http/client';
import type { HttpLimits } from '../http/limits';
import type { TrustedIssuer } from './jwt';

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string().url() });
const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) });

/** Keys are re-read at most this often when a token names an unknown key, and at least this often anyway. */
/** What the IdP answers is not the caller's mistake: a bad document is our 500, never a 400. */
function idpAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new AppError('oidc_provider_error', `The sign-in provider's ${what} is not what OIDC specifies.`, 500);
  return r.data;
}

const REFRESH_COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 60 * 60_000;

/**
 * An OIDC provider's signing keys, found through its discovery document (`<issuer>/.well-known/openid-configuration`
 * → `jwks_uri`), read through the one guarded HTTP client and kept for the process. A token naming a key we do not
 * hold re-reads them (the IdP rotated), at most every 30 s, so forged key ids cannot make us hammer the IdP.
 */
export function oidcKeys(issuer: string, opts: { limits?: HttpLimits; now?: () => number } = {}): TrustedIssuer['keys'] {
  const now = opts.now ?? Date.now;
  const client = new HttpClient({ connector: 'oidc', integrationId: issuer, limits: opts.limits, timeoutMs: 10_000, retry: { maxRetries: 2, rateLimitBudgetMs: 5_000 } });
  let cached: { jwks: JSONWebKeySet; at: number } | undefined;
  let pending: Promise<JSONWebKeySet> | undefined;
  const load = async (): Promise<JSONWebKeySet> => {
    const discovery = idpAnswer(DiscoverySchema, (await client.request({ url: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration` })).body, 'discovery document');
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (discovery.issuer !== issuer) throw new AppError('oidc_issuer_mismatch', `The OIDC discovery document names issuer ${discovery.issuer}, not ${issuer}.`, 500);
    const jwks = idpAnswer(JwksSchema, (await client.request({ url: discovery.jwks_uri })).body, 'key set') as JSONWebKeySet;
    cached = { jwks, at: now() };
    return jwks;
  };
  return async (refresh) => {
    const age = cached ? now() - cached.at : Infinity;
    if (cached && age < MAX_AGE_MS && (!refresh || age < REFRESH_COOLDOWN_MS)) return cached.jwks;
    pending ??= load().finally(() => (pending = undefined));
    return pending;
  };
}

/** The IdP of the stage parameters (OIDC_ISSUER, OIDC_AUDIENCE, OIDC_ALGORITHMS), or none: API keys only. */
export function configuredIssuer(limits?: HttpLimits): TrustedIssuer | undefined {
  const c = config();
  if (!c.OIDC_ISSUER) return undefined;
  if (!c.OIDC_AUDIENCE) throw new AppError('config_error', 'OIDC_ISSUER is set without OIDC_AUDIENCE: the audience (client id) of the sign-in tokens is needed.');
  return { issuer: c.OIDC_ISSUER, audience: c.OIDC_AUDIENCE, algorithms: c.OIDC_ALGORITHMS, keys: oidcKeys(c.OIDC_ISSUER, { limits }) };
}
