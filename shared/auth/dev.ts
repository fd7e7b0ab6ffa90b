import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from '../lambda-types';
import { claimNames } from './authenticator';
import type { TrustedIssuer } from './jwt';

/** The local stack's own issuer: never trusted by a deployed function (only the local stack adds it). */
export const DEV_ISSUER = 'urn:switchboard:local-dev-sign-in';
export const DEV_AUDIENCE = 'switchboard-local';
const ALG = 'RS256';
/** A dev token lasts a working day. */
export const DEV_TOKEN_TTL_S = 8 * 3600;

/**
 * Local sign-in without an IdP: an RSA key kept in the data folder (0600, beside the key ring) signs tokens of
 * the same kind an IdP issues (RS256, iss/aud/exp, the configured tenant and role claims), so the local stack
 * runs the whole JWT path. The CLI and `npm start` share the key through the folder.
 */
export class DevSigner {
  private constructor(
    private readonly privateKey: Awaited<ReturnType<typeof importJWK>>,
    private readonly publicJwk: JWK,
  ) {}

  /** The key of the folder's `dev-signing-key.json`, made on first use. */
  static async load(dir: string): Promise<DevSigner> {
    const file = join(dir, 'dev-signing-key.json');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { privateKey } = await generateKeyPair(ALG, { extractable: true });
      const fresh: JWK = { ...(await exportJWK(privateKey)), alg: ALG, kid: `dev-${Date.now().toString(36)}` };
      try {
        writeFileSync(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        // Another process of the same folder (the CLI beside `npm start`) made it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    return new DevSigner(await importJWK(jwk, ALG), publicJwk);
  }

  /** The issuer to trust for these tokens. */
  get issuer(): TrustedIssuer {
    return { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: [ALG], keys: async () => ({ keys: [this.publicJwk] }) };
  }

  async sign(who: { tenantId: string; role: Role; user?: string }, ttlS = DEV_TOKEN_TTL_S): Promise<{ token: string; expiresAt: string }> {
    const claims = claimNames();
    const exp = Math.floor(Date.now() / 1000) + ttlS;
    const token = await new SignJWT({ [claims.tenant]: who.tenantId, [claims.role]: who.role, ...(claims.user === 'sub' ? {} : { [claims.user]: who.user ?? 'developer' }) })
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(who.user ?? 'developer')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
