import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from './dynamo';
import { isConditionalCheckFailed, ValidationError } from '../errors';
import type { Db } from './db';

const KEY_ITEM = { PK: 'SYSTEM', SK: 'CURSORKEY' };
const MAC_CHARS = 32;

const invalid = () => new ValidationError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);

/**
 * Signs the page cursors the API hands out (HMAC-SHA256 with a random key the stack keeps in its own table,
 * created on first use), so a client can only send back a cursor we gave it: a forged start key (another sort
 * key, extra attributes) is a 400, never a store error. The signature also covers the listing's scope (which
 * integration, which data type), since a real cursor of one listing is a bad start key for another. One key per
 * table, so every function and the local stack accept each other's cursors.
 */
export class CursorSigner {
  private key?: Promise<Buffer>;

  constructor(private readonly db: Db) {}

  /**
   * One listing behind signed cursors: opens the client's cursor, lists, signs the next one.
   * @example const page = await app.cursors.page(`runs:${id}`, q.cursor, (c) => app.runs.list(id, q.limit, c));
   */
  async page<T extends { nextCursor: string | null }>(scope: string, cursor: string | undefined, list: (cursor: string | undefined) => Promise<T>): Promise<T> {
    const page = await list(await this.open(scope, cursor));
    return { ...page, nextCursor: await this.sign(scope, page.nextCursor) };
  }

  async sign(scope: string, cursor: string | null): Promise<string | null> {
    return cursor === null ? null : `${cursor}.${this.mac(await this.loadKey(), scope, cursor)}`;
  }

  /** The store cursor inside a signed one; 400 when we did not sign it for this scope. */
  async open(scope: string, signed: string | undefined): Promise<string | undefined> {
    if (signed === undefined) return undefined;
    const dot = signed.lastIndexOf('.');
    if (dot < 1) throw invalid();
    const cursor = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1));
    const want = Buffer.from(this.mac(await this.loadKey(), scope, cursor));
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw invalid();
    return cursor;
  }

  private mac(key: Buffer, scope: string, cursor: string): string {
    return createHmac('sha256', key).update(`${scope}\n${cursor}`).digest('base64url').slice(0, MAC_CHARS);
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= this.readOrCreate().catch((err) => {
      this.key = undefined; // a failed read is retried by the next request
      throw err;
    });
    return this.key;
  }

  private async readOrCreate(): Promise<Buffer> {
    const read = async () => (await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: KEY_ITEM, ConsistentRead: true }))).Item?.key as string | undefined;
    const found = await read();
    if (found) return Buffer.from(found, 'base64');
    const key = randomBytes(32).toString('base64');
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...KEY_ITEM, key }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return Buffer.from(key, 'base64');
    } catch (err) {
      // Another function created it first: use theirs.
      if (!isConditionalCheckFailed(err)) throw err;
      return Buffer.from((await read())!, 'base64');
    }
  }
}
