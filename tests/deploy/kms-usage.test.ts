import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { fakeKms, fakeLambda, fakeSqs } from '../helpers/aws-fakes';
import { resetConfig } from '../../shared/config';
import { startDynalite } from '../../shared/local/dynamo';
import { createDb, ensureTable } from '../../shared/store/db';
import { TenantStore } from '../../shared/store/tenants';
import { coreResources, type Statement } from './cfn';

/**
 * The split between the public `webhooks` function and the `settings` function, and testConnection's handing the
 * test to a worker, checked on behaviour: each Lambda entry runs with the deployed wiring (DynamoDB on a local
 * server; KMS, SQS and Lambda as aws-sdk-client-mock fakes, having no local server here), and every KMS, SQS and
 * Lambda action it sends must be one its role in resources/core.js allows. So a settings route that starts opening
 * a secret, a receive path that starts sealing, or a connection test that opens secrets itself, fails here before it
 * fails in AWS with AccessDenied.
 */

type Handler = (event: unknown) => Promise<{ statusCode: number; body?: string }>;

/** IAM action of each AWS command the functions send (SendMessageBatch is authorised as sqs:SendMessage). */
const ACTION_OF = new Map<unknown, string>([
  [GenerateDataKeyCommand, 'kms:GenerateDataKey'],
  [DecryptCommand, 'kms:Decrypt'],
  [SendMessageBatchCommand, 'sqs:SendMessage'],
  [InvokeCommand, 'lambda:InvokeFunction'],
]);

/** An HTTP API (payload 2.0) event from the sample in events/, for another method, path and body. */
function httpEvent(method: string, path: string, opts: { apiKey?: string; body?: string; headers?: Record<string, string> } = {}) {
  const e = JSON.parse(readFileSync(join(__dirname, '../../events/api-list-integrations.json'), 'utf8')) as Record<string, any>;
  const [rawPath, qs = ''] = path.split('?');
  e.rawPath = rawPath;
  e.rawQueryString = qs;
  e.queryStringParameters = Object.fromEntries(new URLSearchParams(qs));
  e.requestContext.http = { ...e.requestContext.http, method, path: rawPath };
  e.headers = { host: e.headers.host, ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  if (opts.body !== undefined) e.body = opts.body;
  return e;
}

describe('KMS, SQS and Lambda actions the webhooks, settings and testConnection functions send', () => {
  let dyn: Awaited<ReturnType<typeof startDynalite>>;
  const kms = fakeKms();
  const sqs = fakeSqs();
  // The worker's answer, canned: what the worker itself sends is its own role's business (tests/functions/handlers.test.ts).
  const lambda = fakeLambda(async () => async () => ({ result: { ok: true, message: 'Connected', latencyMs: 12 } }));
  let apiKey: string;
  let allowed: Record<string, string[]>;
  let api: Handler;
  let settings: Handler;
  let webhooks: Handler;
  let testConnection: Handler;
  let integrationId: string;
  let secret: string;

  /** The IAM actions sent since the last call, sorted and unique; each must be allowed by `fn`'s role. */
  const sentBy = (fn: 'webhooks' | 'settings' | 'testConnection'): string[] => {
    const sent = sentActions();
    expect(sent.filter((a) => !allowed[fn].includes(a))).toEqual([]);
    return sent;
  };
  const sentActions = (): string[] => {
    const calls = [...kms.calls(), ...sqs.calls(), ...lambda.calls()].map((c) => ACTION_OF.get((c.args[0] as object).constructor) ?? `unexpected:${(c.args[0] as object).constructor.name}`);
    kms.resetHistory();
    sqs.resetHistory();
    lambda.resetHistory();
    return [...new Set(calls)].sort();
  };

  beforeAll(async () => {
    dyn = await startDynalite();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dyn.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TABLE_NAME: 'switchboard-kms-usage',
      KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/test',
      QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/123456789012/switchboard-dev-',
      FUNCTION_NAME_PREFIX: 'switchboard-dev-',
      EXPORT_BUCKET: 'switchboard-dev-exports',
      PUBLIC_BASE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      ALLOW_LOOPBACK_TARGETS: 'true',
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-kms-')),
    });
    resetConfig();
    const db = createDb({ endpoint: dyn.endpoint, table: 'switchboard-kms-usage' });
    await ensureTable(db.client, db.table);
    ({ apiKey } = await new TenantStore(db).createTenant('kms-usage'));

    const roles = coreResources().Resources;
    const actionsOf = (roleId: string) =>
      (roles[roleId].Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>)
        .flatMap((p) => p.PolicyDocument.Statement)
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    allowed = { webhooks: actionsOf('WebhooksRole'), settings: actionsOf('SettingsRole'), testConnection: actionsOf('TestConnectionRole') };

    api = (await import('../../functions/api')).handler as unknown as Handler;
    settings = (await import('../../functions/settings')).handler as unknown as Handler;
    webhooks = (await import('../../functions/webhooks')).handler as unknown as Handler;
    testConnection = (await import('../../functions/test-connection')).handler as unknown as Handler;
    const created = await api(httpEvent('POST', '/api/integrations', { apiKey, body: JSON.stringify({ name: 'Orders', type: 'custom_api', config: { baseUrl: 'http://127.0.0.1:9', testPath: '/ping' } }) }));
    expect(created.statusCode).toBe(201);
    integrationId = JSON.parse(created.body!).id;
  }, 60_000);

  afterAll(async () => {
    kms.restore();
    sqs.restore();
    lambda.restore();
    await dyn.close();
  });

  it('settings: configuring a webhook seals its secret; status and event log open nothing', async () => {
    sentActions();
    const put = await settings(httpEvent('PUT', `/api/integrations/${integrationId}/webhook`, { apiKey, body: JSON.stringify({ dataType: 'orders' }) }));
    expect(put.statusCode).toBe(200);
    secret = JSON.parse(put.body!).secret;
    expect(secret).toMatch(/^whsec_/);
    expect(sentBy('settings')).toEqual(['kms:GenerateDataKey']);

    const status = await settings(httpEvent('GET', `/api/integrations/${integrationId}/webhook`, { apiKey }));
    expect([status.statusCode, JSON.parse(status.body!).secretConfigured]).toEqual([200, true]);
    const events = await settings(httpEvent('GET', `/api/integrations/${integrationId}/events`, { apiKey }));
    expect(events.statusCode).toBe(200);
    expect(sentBy('settings')).toEqual([]);
  });

  it('settings: creating a channel seals its secret; listing channels and deliveries opens nothing', async () => {
    sentActions();
    const created = await settings(httpEvent('POST', '/api/notifications/channels', { apiKey, body: JSON.stringify({ kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['run.failed'] }) }));
    expect(created.statusCode).toBe(201);
    expect(sentBy('settings')).toEqual(['kms:GenerateDataKey']);
    const channels = await settings(httpEvent('GET', '/api/notifications/channels', { apiKey }));
    expect(JSON.parse(channels.body!).channels).toHaveLength(1);
    expect((await settings(httpEvent('GET', '/api/notifications/deliveries', { apiKey }))).statusCode).toBe(200);
    expect(sentBy('settings')).toEqual([]);
  });

  it('webhooks: receiving opens the secret and enqueues, never seals', async () => {
    sentActions();
    const body = JSON.stringify([{ id: 'o-1', total: 10 }]);
    const ts = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    const res = await webhooks(httpEvent('POST', `/webhooks/generic/${integrationId}`, { body, headers: { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': String(ts) } }));
    expect(res.statusCode).toBe(202);
    expect(sentBy('webhooks')).toEqual(['kms:Decrypt', 'sqs:SendMessage']);
  });

  it('testConnection: invokes the worker, which opens the secrets; it sends nothing else, no KMS action', async () => {
    sentActions();
    const res = await testConnection(httpEvent('POST', `/api/integrations/${integrationId}/test`, { apiKey }));
    expect([res.statusCode, JSON.parse(res.body!)]).toEqual([200, { ok: true, message: 'Connected', latencyMs: 12 }]);
    expect(sentBy('testConnection')).toEqual(['lambda:InvokeFunction']);
  });

  it('each function serves only its own routes', async () => {
    const onWebhooks = await webhooks(httpEvent('GET', `/api/integrations/${integrationId}/webhook`, { apiKey }));
    expect(onWebhooks.statusCode).toBe(404);
    const onSettings = await settings(httpEvent('POST', `/webhooks/generic/${integrationId}`, { body: '[]', headers: { 'x-signature': 'x', 'x-timestamp': '1' } }));
    expect(onSettings.statusCode).toBe(404);
  });
});
