import { PutCommand, ScanCommand } from '../../shared/store/dynamo';
import { createHash } from 'node:crypto';
import { App } from '../../shared/services/app';
import { keys } from '../../shared/store/keys';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call } from './helpers';

/** API keys managed through the API: shown once, stored as a hash, listed without secrets, revoked for good. */
describe('API keys', () => {
  let stack: TestStack;
  let other: { tenantId: string; apiKey: string };
  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    other = await stack.app.tenants.createTenant('other');
  });
  afterAll(() => stack.close());
  const as = (token: string, method: string, path: string, body?: unknown) => call(stack.url!, token, method, path, body);

  it('creates a key shown once and stored only as its hash; lists keys without secrets', async () => {
    const created = await as(stack.apiKey, 'POST', '/api/keys', { name: 'reporting job' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), key: expect.stringMatching(/^sb_/), name: 'reporting job', prefix: created.body.key.slice(0, 7) });
    const key = created.body.key as string;
    expect((await as(key, 'GET', '/api/integrations')).status).toBe(200);

    const listed = await as(stack.apiKey, 'GET', '/api/keys');
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((k: { name: string }) => k.name)).toEqual(['default', 'reporting job']);
    const mine = listed.body.keys.find((k: { id: string }) => k.id === created.body.id);
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix']);
    const hash = createHash('sha256').update(key).digest('hex');
    for (const secret of [key, hash, stack.apiKey]) expect(listed.text).not.toContain(secret);
    // Nothing in the table holds the key itself.
    const scan = JSON.stringify(await stack.app.db.doc.send(new ScanCommand({ TableName: stack.app.db.table })));
    expect(scan).not.toContain(key);
  });

  it('revokes a key: it answers 401 at once, in this process and in another', async () => {
    const { body } = await as(stack.apiKey, 'POST', '/api/keys', {});
    expect((await as(body.key, 'GET', '/api/auth/me')).body).toMatchObject({ via: 'api_key', keyId: body.id, role: 'admin' });
    const del = await as(stack.apiKey, 'DELETE', `/api/keys/${body.id}`);
    expect(del.status).toBe(204);
    const after = await as(body.key, 'GET', '/api/integrations');
    expect([after.status, after.body.error.code]).toEqual([401, 'invalid_api_key']);
    // Another "container" on the same table (a cold one, and one that had the key before) agrees.
    const second = new App(stack.app.db, stack.app.sealer, stack.app.queue, []);
    await expect(second.tenants.resolve(body.key)).resolves.toBeUndefined();
    expect((await as(stack.apiKey, 'GET', '/api/keys')).body.keys.map((k: { id: string }) => k.id)).not.toContain(body.id);
    expect((await as(stack.apiKey, 'DELETE', `/api/keys/${body.id}`)).status).toBe(404);
  });

  it("answers 404 for another tenant's key id and leaves that key working", async () => {
    const theirs = (await as(other.apiKey, 'GET', '/api/keys')).body.keys[0].id as string;
    const res = await as(stack.apiKey, 'DELETE', `/api/keys/${theirs}`);
    expect([res.status, res.body.error.code]).toEqual([404, 'api_key_not_found']);
    expect((await as(other.apiKey, 'GET', '/api/integrations')).status).toBe(200);
    expect((await as(stack.apiKey, 'GET', '/api/keys')).body.keys.map((k: { id: string }) => k.id)).not.toContain(theirs);
  });

  it('a key may revoke itself; a person signed in as admin manages keys too; bad names are a 400', async () => {
    const { body } = await as(stack.apiKey, 'POST', '/api/keys', { name: 'self' });
    expect((await as(body.key, 'DELETE', `/api/keys/${body.id}`)).status).toBe(204);
    expect((await as(body.key, 'GET', '/api/keys')).status).toBe(401);
    const admin = (await call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: stack.tenantId })).body.token as string;
    const made = await as(admin, 'POST', '/api/keys', { name: 'made by a person' });
    expect(made.status).toBe(201);
    for (const name of ['', 'x'.repeat(101)]) expect((await as(admin, 'POST', '/api/keys', { name })).status).toBe(400);
    expect((await as(admin, 'POST', '/api/keys', { name: 'a', role: 'viewer' })).status).toBe(400);
  });

  it('lists a key made before keys had ids once it is used, so it can be revoked', async () => {
    const legacy = 'sb_legacykeymadebeforekeyshadids0000';
    const hash = createHash('sha256').update(legacy).digest('hex');
    await stack.app.db.doc.send(new PutCommand({ TableName: stack.app.db.table, Item: { ...keys.apiKey(hash), tenantId: stack.tenantId, name: 'old', createdAt: '2026-01-01T00:00:00.000Z' } }));
    expect((await as(legacy, 'GET', '/api/integrations')).status).toBe(200);
    const old = (await as(stack.apiKey, 'GET', '/api/keys')).body.keys.find((k: { name: string }) => k.name === 'old');
    expect(old).toMatchObject({ createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: expect.any(String) });
    expect((await as(stack.apiKey, 'DELETE', `/api/keys/${old.id}`)).status).toBe(204);
    expect((await as(legacy, 'GET', '/api/integrations')).status).toBe(401);
  });
});
