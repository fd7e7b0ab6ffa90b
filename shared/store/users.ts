import { DeleteCommand, GetCommand, PutCommand } from './dynamo';
import { ConflictError, isConditionalCheckFailed } from '../errors';
import type { Role } from '../lambda-types';
import type { Db } from './db';
import { keys } from './keys';

export interface SsoUser {
  issuer: string;
  /** The value of the configured user claim (`sub` by default, or `email`). */
  user: string;
  tenantId: string;
  role: Role;
  createdAt: string;
  updatedAt?: string;
}

/** A tenant may map this many people: its listing is one bounded Query. */
export const MAX_USERS_PER_TENANT = 1000;

/**
 * Who a signed-in person is when their token names no tenant: `SSOUSER#<issuer>#<user>` → tenant and role (the
 * lookup of every such request, one GetItem), keyed by issuer too, since another IdP could assert the same
 * subject or email. The tenant's listing (`TENANT#<t>` / `SSOUSER#<issuer>#<user>`) is written first and deleted
 * last, as API keys are, so a mapping that works is always listed and removable. A person maps to one tenant:
 * the lookup is written only when free or already this tenant's.
 */
export class UserStore {
  constructor(private readonly db: Db) {}

  async get(issuer: string, user: string): Promise<SsoUser | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.ssoUser(issuer, user) }));
    if (!out.Item) return undefined;
    const { tenantId, role, createdAt, updatedAt } = out.Item as SsoUser;
    return { issuer, user, tenantId, role, createdAt, ...(updatedAt ? { updatedAt } : {}) };
  }

  /** Maps (or re-roles) a person for a tenant; a 409 `user_in_other_tenant` when another tenant holds them. */
  async put(u: Omit<SsoUser, 'createdAt' | 'updatedAt'>): Promise<{ user: SsoUser; created: boolean }> {
    const now = new Date().toISOString();
    const before = await this.listed(u.tenantId, u.issuer, u.user);
    const item: SsoUser = { ...u, createdAt: before?.createdAt ?? now, ...(before ? { updatedAt: now } : {}) };
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.tenantSsoUser(u.tenantId, u.issuer, u.user), ...item } }));
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.ssoUser(u.issuer, u.user), ...item },
          ConditionExpression: 'attribute_not_exists(PK) OR tenantId = :t',
          ExpressionAttributeValues: { ':t': u.tenantId },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      if (!before) await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.tenantSsoUser(u.tenantId, u.issuer, u.user) }));
      throw new ConflictError(`${u.user} already signs in to another tenant: a person belongs to one tenant (that tenant's admin can remove them).`, 'user_in_other_tenant');
    }
    return { user: item, created: !before };
  }

  /** The tenant's people, by issuer then user. */
  async list(tenantId: string): Promise<SsoUser[]> {
    const out: SsoUser[] = [];
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK, ':sk': 'SSOUSER#' },
    }))
      for (const i of page.Items ?? []) out.push(userOf(i));
    return out;
  }

  /** Removes the tenant's mapping of a person; false when this tenant has none (another tenant's included). */
  async remove(tenantId: string, issuer: string, user: string): Promise<boolean> {
    if (!(await this.listed(tenantId, issuer, user))) return false;
    try {
      await this.db.doc.send(
        new DeleteCommand({ TableName: this.db.table, Key: keys.ssoUser(issuer, user), ConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } }),
      );
    } catch (err) {
      // Already gone (or never written, after a lost race): the listing entry is all that is left.
      if (!isConditionalCheckFailed(err)) throw err;
    }
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.tenantSsoUser(tenantId, issuer, user) }));
    return true;
  }

  private async listed(tenantId: string, issuer: string, user: string): Promise<SsoUser | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.tenantSsoUser(tenantId, issuer, user) }));
    return out.Item ? userOf(out.Item) : undefined;
  }
}

function userOf(i: Record<string, unknown>): SsoUser {
  const { issuer, user, tenantId, role, createdAt, updatedAt } = i as unknown as SsoUser;
  return { issuer, user, tenantId, role, createdAt, ...(updatedAt ? { updatedAt } : {}) };
}
