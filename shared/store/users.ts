import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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
}

/**
 * Who a signed-in person is when their token names no tenant: `SSOUSER#<issuer>#<user>` → tenant and role.
 * Keyed by issuer too, since another IdP could assert the same subject or email.
 */
export class UserStore {
  constructor(private readonly db: Db) {}

  async get(issuer: string, user: string): Promise<SsoUser | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.ssoUser(issuer, user) }));
    if (!out.Item) return undefined;
    const { tenantId, role, createdAt } = out.Item as SsoUser;
    return { issuer, user, tenantId, role, createdAt };
  }

  async put(u: Omit<SsoUser, 'createdAt'>): Promise<SsoUser> {
    const item = { ...u, createdAt: new Date().toISOString() };
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.ssoUser(u.issuer, u.user), ...item } }));
    return item;
  }

  async remove(issuer: string, user: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.ssoUser(issuer, user) }));
  }
}
