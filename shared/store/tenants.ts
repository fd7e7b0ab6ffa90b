import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Db } from './db';
import { keys } from './keys';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Tenants and their API keys. Keys are stored only as SHA-256 hashes; the key itself is shown once. */
export class TenantStore {
  constructor(private readonly db: Db) {}

  async createTenant(name: string): Promise<{ tenantId: string; apiKey: string }> {
    const tenantId = ulid().toLowerCase();
    const now = new Date().toISOString();
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.tenant(tenantId), tenantId, name, createdAt: now } }));
    const apiKey = await this.createApiKey(tenantId, 'default');
    return { tenantId, apiKey };
  }

  async createApiKey(tenantId: string, name: string): Promise<string> {
    const apiKey = `sb_${randomBytes(24).toString('base64url')}`;
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: { ...keys.apiKey(hashApiKey(apiKey)), tenantId, name, createdAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return apiKey;
  }

  /** The tenant an API key belongs to, or undefined. */
  async resolve(apiKey: string): Promise<string | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.apiKey(hashApiKey(apiKey)) }));
    return out.Item?.tenantId as string | undefined;
  }
}
