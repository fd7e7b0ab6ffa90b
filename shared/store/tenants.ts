import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from './dynamo';
import { ulid } from 'ulid';
import { isConditionalCheckFailed } from '../errors';
import type { Db } from './db';
import { keys } from './keys';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A key's id is derived from its hash, so a key made before keys had ids gets the same id wherever it is first used. */
const keyIdOf = (hash: string) => hash.slice(0, 24);

/** What a listing shows of a key: never the key, never its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** A tenant may hold this many keys: the listing is one bounded Query. */
export const MAX_KEYS_PER_TENANT = 100;
/** `lastUsedAt` is written at most this often per key, so a busy key costs no write per request. */
const LAST_USED_EVERY_MS = 60_000;

/**
 * Tenants and their API keys. A key is stored only as its SHA-256 hash, twice: `APIKEY#<hash>` (the lookup of
 * every request, one GetItem) and `TENANT#<t>` / `APIKEY#<id>` (the tenant's listing, which names the hash so a
 * revocation can delete the lookup). The listing entry is written first and deleted last, so a key that works is
 * always listed and revocable.
 */
export class TenantStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async createTenant(name: string): Promise<{ tenantId: string; apiKey: string }> {
    const tenantId = ulid().toLowerCase();
    const now = new Date(this.now()).toISOString();
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.tenant(tenantId), tenantId, name, createdAt: now } }));
    const { key } = await this.createApiKey(tenantId, 'default');
    return { tenantId, apiKey: key };
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.tenant(tenantId), ProjectionExpression: 'PK' }));
    return Boolean(out.Item);
  }

  /** A new key for the tenant: the key itself is returned once and stored nowhere. */
  async createApiKey(tenantId: string, name: string): Promise<ApiKeyInfo & { key: string }> {
    const key = `sb_${randomBytes(24).toString('base64url')}`;
    const hash = hashApiKey(key);
    const info: ApiKeyInfo = { id: keyIdOf(hash), name, prefix: key.slice(0, 7), createdAt: new Date(this.now()).toISOString() };
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...keys.tenantApiKey(tenantId, info.id), ...info, hash } }));
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: { ...keys.apiKey(hash), tenantId, keyId: info.id, name, createdAt: info.createdAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return { ...info, key };
  }

  /** The tenant's keys, oldest first. */
  async listApiKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    const out: ApiKeyInfo[] = [];
    for await (const page of this.db.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK, ':sk': 'APIKEY#' },
    }))
      for (const i of page.Items ?? []) out.push({ id: i.id, name: i.name, prefix: i.prefix, createdAt: i.createdAt, ...(i.lastUsedAt ? { lastUsedAt: i.lastUsedAt } : {}) });
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Deletes the tenant's key `keyId`; false when the tenant has no such key (another tenant's id included). */
  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    const listed = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.tenantApiKey(tenantId, keyId) }));
    if (!listed.Item) return false;
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.apiKey(listed.Item.hash as string) }));
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: keys.tenantApiKey(tenantId, keyId) }));
    return true;
  }

  /** The tenant and key id an API key belongs to, or undefined. Notes the key's use (at most once a minute). */
  async resolveKey(apiKey: string): Promise<{ tenantId: string; keyId: string } | undefined> {
    const hash = hashApiKey(apiKey);
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: keys.apiKey(hash) }));
    const item = out.Item;
    if (!item) return undefined;
    const tenantId = item.tenantId as string;
    const keyId = keyIdOf(hash);
    const now = this.now();
    if (!item.lastUsedAt || now - Date.parse(item.lastUsedAt as string) >= LAST_USED_EVERY_MS) await this.noteUse(tenantId, hash, item, new Date(now).toISOString());
    return { tenantId, keyId };
  }

  /** The tenant an API key belongs to, or undefined. */
  async resolve(apiKey: string): Promise<string | undefined> {
    return (await this.resolveKey(apiKey))?.tenantId;
  }

  private async noteUse(tenantId: string, hash: string, item: Record<string, unknown>, at: string): Promise<void> {
    const id = keyIdOf(hash);
    // A key created before keys were listed gets its listing entry on first use, so it can be seen and revoked.
    if (!item.keyId)
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.tenantApiKey(tenantId, id), id, name: item.name ?? 'default', prefix: 'sb_', createdAt: item.createdAt ?? at, hash },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ).catch((err) => {
        if (!isConditionalCheckFailed(err)) throw err;
      });
    for (const key of [keys.apiKey(hash), keys.tenantApiKey(tenantId, id)]) {
      try {
        // Only on items that still exist: a use racing a revocation must not bring the key back.
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: key,
            UpdateExpression: 'SET lastUsedAt = :at, keyId = :id',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': at, ':id': id },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
  }
}
