import type { JWTPayload } from 'jose';
import { config } from '../config';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Principal, Role } from '../lambda-types';
import type { HttpLimits } from '../http/limits';
import type { Db } from '../store/db';
import { TenantStore } from '../store/tenants';
import { UserStore } from '../store/users';
import { looksLikeJwt, verifyJwt, type TrustedIssuer } from './jwt';
import { configuredIssuer } from './oidc';

/** The claims that name a person's tenant, role and identity (OIDC_TENANT_CLAIM, OIDC_ROLE_CLAIM, OIDC_USER_CLAIM). */
export interface ClaimNames {
  tenant: string;
  role: string;
  user: string;
}

export const claimNames = (): ClaimNames => {
  const c = config();
  return { tenant: c.OIDC_TENANT_CLAIM, role: c.OIDC_ROLE_CLAIM, user: c.OIDC_USER_CLAIM };
};

/** A role claim may be one value or a list (Cognito's `cognito:groups`): admin wins, then viewer. */
export function roleOf(claim: unknown): Role | undefined {
  const values = Array.isArray(claim) ? claim : [claim];
  if (values.includes('admin')) return 'admin';
  if (values.includes('viewer')) return 'viewer';
  return undefined;
}

const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The one way a request is authenticated: `Authorization: Bearer <token>`, where the token is either a tenant's
 * API key (a program; always `admin`) or a JWT from a trusted issuer (a person). A person's tenant and role come
 * from the token's claims; a token without the tenant claim is looked up in the user → tenant mapping.
 */
export class Authenticator {
  constructor(
    private readonly tenants: TenantStore,
    private readonly users: UserStore,
    private readonly issuers: TrustedIssuer[],
    private readonly claims: ClaimNames = claimNames(),
  ) {}

  async authenticate(headers: Record<string, string>): Promise<Principal> {
    const m = /^Bearer\s+(\S{8,8192})\s*$/i.exec(headers.authorization ?? '');
    if (!m) throw new UnauthorizedError();
    const token = m[1];
    if (looksLikeJwt(token)) return this.person(await verifyJwt(token, this.issuers));
    const key = token.length <= 512 ? await this.tenants.resolveKey(token) : undefined;
    if (!key) throw new UnauthorizedError();
    return { tenantId: key.tenantId, role: 'admin', via: 'api_key', keyId: key.keyId };
  }

  private async person(claims: JWTPayload): Promise<Principal> {
    const issuer = claims.iss!;
    const user = typeof claims[this.claims.user] === 'string' ? (claims[this.claims.user] as string) : undefined;
    const tenant = claims[this.claims.tenant];
    if (typeof tenant === 'string' && TENANT_ID.test(tenant)) return { tenantId: tenant, role: roleOf(claims[this.claims.role]) ?? 'viewer', via: 'sso', issuer, user };
    const mapped = user ? await this.users.get(issuer, user) : undefined;
    if (!mapped) throw new ForbiddenError('no_tenant', `Signed in, but no tenant is given to this user: the token has no "${this.claims.tenant}" claim and "${this.claims.user}" is not mapped to a tenant.`);
    return { tenantId: mapped.tenantId, role: mapped.role, via: 'sso', issuer, user };
  }
}

/** The deployed authenticator: API keys, and the configured IdP's tokens when there is one; locally also the dev issuer. */
export function authenticatorFor(app: { db: Db; tenants: TenantStore; limits: HttpLimits }, extraIssuers: TrustedIssuer[] = []): Authenticator {
  const idp = configuredIssuer(app.limits);
  return new Authenticator(app.tenants, new UserStore(app.db), [...(idp ? [idp] : []), ...extraIssuers]);
}
