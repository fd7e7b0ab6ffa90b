import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { fakeKms, fakeLambda, fakeSqs } from '../helpers/aws-fakes';
import { specs } from '../../shared/connectors/specs';
import { syncsFromSource } from '../../shared/connectors/types';
import { workerFunction } from '../../shared/invoke/types';
import { IntegrationStore } from '../../shared/store/integrations';
import { resetConfig } from '../../shared/config';
import { startDynalite } from '../../shared/local/dynamo';
import { createDb, ensureTable } from '../../shared/store/db';
import { TenantStore } from '../../shared/store/tenants';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { sample } from '../helpers/events';


/**
 * The Lambda entries in functions/ with their deployed wiring (appFromEnv: DynamoDB from the SDK's endpoint
 * variable, KMS, SQS), fed the sample events in events/. DynamoDB is a real local server; KMS and SQS have no
 * local server here, so they are aws-sdk-client-mock fakes that keep KMS's encryption-context rule.
 */
describe('Lambda entries with the deployed wiring', () => {
  let dyn: Awaited<ReturnType<typeof startDynalite>>;
  let sandbox: HubspotSandbox;
  const kms = fakeKms();
  const sent: Array<{ QueueUrl?: string; bodies: unknown[] }> = [];
  const sqs = fakeSqs(sent);
  /** What the fake Lambda does with an invocation: run the deployed entry of the function named, or fail as told. */
  let invoked: 'entries' | 'throws' | 'throttled' | 'missing' = 'entries';
  let decryptsInWorkers = 0;
  const decrypts = () => kms.commandCalls(DecryptCommand).length;
  const lambda = fakeLambda(async (name) => {
    const key = name.slice('switchboard-dev-'.length);
    const spec = specs.find((s) => syncsFromSource(s) && workerFunction(s.type) === key);
    const entry = key === workerFunction('flows') ? 'flows' : spec && `workers/${spec.type.replace(/_/g, '-')}`;
    if (!name.startsWith('switchboard-dev-') || !entry || invoked === 'missing') return undefined;
    if (invoked === 'throttled') throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    if (invoked === 'throws') return async () => { throw new Error('connect ECONNREFUSED postgres://sync:hunter2@10.0.0.5/crm'); };
    const { handler } = await import(`../../functions/${entry}`);
    return async (event: never, context: never) => {
      const before = decrypts();
      try {
        return await handler(event, context);
      } finally {
        decryptsInWorkers += decrypts() - before;
      }
    };
  });
  let apiKey: string;
  let tenantId: string;
  let db: ReturnType<typeof createDb>;

  beforeAll(async () => {
    dyn = await startDynalite();
    sandbox = await startHubspotSandbox({ contacts: 40, companies: 2, deals: 3, rateLimit: false });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dyn.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TABLE_NAME: 'switchboard-test',
      KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/test',
      QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/123456789012/switchboard-dev-',
      FUNCTION_NAME_PREFIX: 'switchboard-dev-',
      EXPORT_BUCKET: 'switchboard-dev-exports',
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-fn-')),
    });
    resetConfig();
    db = createDb({ endpoint: dyn.endpoint, table: 'switchboard-test' });
    await ensureTable(db.client, db.table);
    ({ apiKey, tenantId } = await new TenantStore(db).createTenant('fn'));
  });
  afterAll(async () => {
    kms.restore();
    sqs.restore();
    lambda.restore();
    await sandbox.close();
    await dyn.close();
  });

  it('api: creates and lists integrations from the sample API Gateway events; secrets sealed with KMS', async () => {
    const { handler } = await import('../../functions/api');
    const created = await handler(sample('api-create-integration.json', { API_KEY: apiKey }));
    expect(created.statusCode).toBe(201);
    const body = JSON.parse(created.body!);
    expect(body).toMatchObject({ type: 'zoho', status: 'active', config: { accessToken: '***', refreshToken: '***', clientSecret: '***' } });
    expect(kms.commandCalls(GenerateDataKeyCommand).at(-1)!.args[0].input.EncryptionContext).toEqual({ tenantId, integrationId: body.id });
    const listed = await handler(sample('api-list-integrations.json', { API_KEY: apiKey }));
    expect(JSON.parse(listed.body!).integrations.map((i: { id: string }) => i.id)).toContain(body.id);
    const wrongKey = await handler(sample('api-list-integrations.json', { API_KEY: 'sb_wrong-key-0000' }));
    expect(wrongKey.statusCode).toBe(401);
  });

  it('each HTTP function serves only the routes it names: only api lists integrations', async () => {
    for (const entry of ['webhooks', 'settings', 'test-connection', 'api-flows', 'api-bulk']) {
      const { handler } = await import(`../../functions/${entry}`);
      const res = await handler(sample('api-list-integrations.json', { API_KEY: apiKey }));
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body!).error.code).toBe('route_not_found');
    }
  });

  it('scheduler → SQS → worker: the scheduled run reaches the connector queue and the worker syncs it', async () => {
    const api = (await import('../../functions/api')).handler;
    const create = sample<{ body: string }>('api-create-integration.json', { API_KEY: apiKey });
    create.body = JSON.stringify({ name: 'HubSpot', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: sandbox.token, associations: [] } });
    const integration = JSON.parse((await api(create as never)).body!);

    const { handler: scheduler } = await import('../../functions/scheduler');
    const out = await scheduler();
    expect(out.enqueued).toBeGreaterThanOrEqual(1);
    const batch = sent.find((s) => s.QueueUrl?.endsWith('switchboard-dev-hubspot'))!;
    const msg = batch.bodies.find((b) => (b as { integrationId: string }).integrationId === integration.id) as { runId: string };
    expect(msg).toBeDefined();

    const { handler: worker } = await import('../../functions/workers/hubspot');
    const event = sample('sqs-sync.json', { TENANT_ID: tenantId, INTEGRATION_ID: integration.id, RUN_ID: msg.runId });
    const res = await worker(event as never, { getRemainingTimeInMillis: () => 900_000 });
    // The second record of the sample is not JSON: reported as a batch item failure, the first is acknowledged.
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' }]);
    const runs = await api({ ...sample<Record<string, unknown>>('api-list-integrations.json', { API_KEY: apiKey }), rawPath: `/api/integrations/${integration.id}/runs`, rawQueryString: '' } as never);
    const run = JSON.parse(runs.body!).runs[0];
    expect(run).toMatchObject({ id: msg.runId, status: 'succeeded', trigger: 'schedule' });
    expect(run.stats.created).toBe(45);
    expect(kms.commandCalls(DecryptCommand).length).toBeGreaterThan(0);
  });

  /** An HTTP API event for any route, in the sample's shape (the tenant's key unless headers say otherwise). */
  const request = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const e = sample<Record<string, unknown> & { headers: Record<string, string>; requestContext: { http: Record<string, string> } }>('api-list-integrations.json', { API_KEY: apiKey });
    return { ...e, routeKey: '$default', rawPath: path, rawQueryString: '', queryStringParameters: undefined, pathParameters: undefined, headers: { ...e.headers, ...headers }, body, requestContext: { ...e.requestContext, http: { ...e.requestContext.http, method, path } } } as never;
  };

  it('settings → webhooks: HubSpot and Twilio events verify with the secret the connector config holds, and reach the connector\'s queue', async () => {
    // Neither function carries a connector spec: the vendor's secret is opened as the one sealed field it is.
    const api = (await import('../../functions/api')).handler;
    const { handler: settings } = await import('../../functions/settings');
    const { handler: webhooks } = await import('../../functions/webhooks');
    const secret = randomBytes(16).toString('hex');
    const vendors = [
      {
        type: 'hubspot',
        config: { baseUrl: sandbox.url, accessToken: sandbox.token, clientSecret: secret },
        body: JSON.stringify([{ eventId: 7001, subscriptionId: 1, portalId: 2, appId: 3, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 101, propertyName: 'firstname', propertyValue: 'Ann' }]),
        sign: (url: string, body: string) => {
          const ts = String(Date.now());
          return { 'content-type': 'application/json', 'x-hubspot-request-timestamp': ts, 'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${url}${body}${ts}`).digest('base64') };
        },
      },
      {
        type: 'twilio',
        config: { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: secret },
        body: 'MessageSid=SM0123&MessageStatus=delivered',
        sign: (url: string) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': createHmac('sha1', secret).update(`${url}MessageSidSM0123MessageStatusdelivered`).digest('base64') }),
      },
    ];
    for (const v of vendors) {
      const created = await api(request('POST', '/api/integrations', JSON.stringify({ name: v.type, type: v.type, config: v.config, status: 'inactive' }), { 'content-type': 'application/json' }));
      expect([v.type, created.statusCode]).toEqual([v.type, 201]);
      const id = JSON.parse(created.body!).id;
      const put = await settings(request('PUT', `/api/integrations/${id}/webhook`, '{}', { 'content-type': 'application/json' }));
      expect([v.type, put.statusCode, JSON.parse(put.body!).secretConfigured]).toEqual([v.type, 200, true]);
      const { url } = JSON.parse(put.body!);
      const path = new URL(url).pathname;
      const forged = await webhooks(request('POST', path, v.body, { authorization: '', ...v.sign(url, v.body), ...(v.type === 'twilio' ? { 'x-twilio-signature': 'AAAA' } : { 'x-hubspot-signature-v3': 'AAAA' }) }));
      expect([v.type, forged.statusCode]).toEqual([v.type, 401]);
      const res = await webhooks(request('POST', path, v.body, { authorization: '', ...v.sign(url, v.body) }));
      expect([v.type, res.statusCode]).toEqual([v.type, 204]);
      const queued = sent.filter((s) => s.QueueUrl?.endsWith(`switchboard-dev-${v.type}`)).flatMap((s) => s.bodies) as Array<{ kind: string; integrationId: string }>;
      expect(queued).toContainEqual(expect.objectContaining({ kind: 'webhook', integrationId: id }));
    }
  });

  it('scheduler: a due schedule flow is claimed and its run queued on the flows queue', async () => {
    const api = (await import('../../functions/api')).handler;
    const flowsApi = (await import('../../functions/api-flows')).handler;
    const json = { 'content-type': 'application/json' };
    const create = async (body: unknown) => JSON.parse((await api(request('POST', '/api/integrations', JSON.stringify(body), json))).body!).id as string;
    const sf = await create({ name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 't0ken' }, status: 'inactive' });
    const hs = await create({ name: 'HS', type: 'hubspot', config: { baseUrl: 'http://127.0.0.1:9', accessToken: 'pat-1' }, status: 'inactive' });
    const flow = { name: 'every 30 min', source: { integrationId: sf, dataType: 'leads' }, target: { integrationId: hs, object: 'contacts' }, mapping: { email: '${Email}' }, trigger: 'schedule', schedule: 30 };
    const created = await flowsApi(request('POST', '/api/flows', JSON.stringify(flow), json));
    expect(created.statusCode).toBe(201);
    const { handler: scheduler } = await import('../../functions/scheduler');
    await scheduler();
    const queued = sent.filter((s) => s.QueueUrl?.endsWith('switchboard-dev-flows')).flatMap((s) => s.bodies);
    expect(queued).toContainEqual(expect.objectContaining({ kind: 'flow', flowId: JSON.parse(created.body!).id }));
  });

  describe('testConnection: the integration\'s worker runs the test', () => {
    const testEvent = (key: string, id: string) => {
      const e = sample<Record<string, unknown> & { requestContext: { http: Record<string, string> } }>('api-list-integrations.json', { API_KEY: key });
      const path = `/api/integrations/${id}/test`;
      return { ...e, routeKey: 'POST /api/integrations/{id}/test', rawPath: path, rawQueryString: '', queryStringParameters: undefined, pathParameters: { id }, requestContext: { ...e.requestContext, http: { ...e.requestContext.http, method: 'POST', path } } } as never;
    };
    const invocations = () => lambda.commandCalls(InvokeCommand).map((c) => ({ ...c.args[0].input, Payload: JSON.parse(String(c.args[0].input.Payload)) }));
    let hubspotId: string;
    beforeAll(async () => {
      const api = (await import('../../functions/api')).handler;
      const create = sample<{ body: string }>('api-create-integration.json', { API_KEY: apiKey });
      create.body = JSON.stringify({ name: 'HubSpot', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: sandbox.token, associations: [] } });
      hubspotId = JSON.parse((await api(create as never)).body!).id;
    });
    afterEach(() => {
      invoked = 'entries';
      lambda.resetHistory();
    });

    it('invokes switchboard-dev-workerHubspot (RequestResponse) with the integration, and answers its outcome; every Decrypt happens inside the worker', async () => {
      const { handler } = await import('../../functions/test-connection');
      const before = decrypts();
      decryptsInWorkers = 0;
      const res = await handler(testEvent(apiKey, hubspotId));
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body!);
      expect(body).toEqual({ ok: true, message: expect.any(String), latencyMs: expect.any(Number) });
      expect(invocations()).toEqual([{ FunctionName: 'switchboard-dev-workerHubspot', InvocationType: 'RequestResponse', Payload: { kind: 'testConnection', tenantId, integrationId: hubspotId } }]);
      expect(decryptsInWorkers).toBeGreaterThan(0);
      expect(decrypts() - before).toBe(decryptsInWorkers);
      expect(res.body).not.toContain(sandbox.token);
    });

    it('answers another tenant\'s integration 404 integration_not_found, invoking nothing', async () => {
      const other = await new TenantStore(db).createTenant('other');
      const { handler } = await import('../../functions/test-connection');
      const res = await handler(testEvent(other.apiKey, hubspotId));
      expect([res.statusCode, JSON.parse(res.body!).error.code]).toEqual([404, 'integration_not_found']);
      expect(invocations()).toEqual([]);
    });

    it('answers 502 worker_unavailable when the worker throws, is throttled or is not there, without any detail', async () => {
      const { handler } = await import('../../functions/test-connection');
      for (const mode of ['throws', 'throttled', 'missing'] as const) {
        invoked = mode;
        const res = await handler(testEvent(apiKey, hubspotId));
        expect([mode, res.statusCode, JSON.parse(res.body!).error.code]).toEqual([mode, 502, 'worker_unavailable']);
        for (const leak of ['hunter2', 'ECONNREFUSED', '10.0.0.5', 'Rate exceeded', 'not found', 'workerHubspot']) expect([mode, res.body!.includes(leak)]).toEqual([mode, false]);
      }
      expect(invocations()).toHaveLength(3);
    });

    it('has the flow worker test every type without a worker of its own: it carries their code', async () => {
      const store = new IntegrationStore(db);
      const now = new Date().toISOString();
      const { handler } = await import('../../functions/test-connection');
      const noWorker = specs.filter((s) => !syncsFromSource(s));
      expect(noWorker.map((s) => s.type)).toEqual(expect.arrayContaining(['slack', 'file']));
      for (const spec of noWorker) {
        const id = `01jnoworker${spec.type.replace(/_/g, '').padEnd(15, '0').slice(0, 15)}`;
        // A config no destination accepts fails its test before any network; file's opens nothing and answers ok. An
        // answer at all (not 404 not_found) proves the flow worker carries the connector.
        await store.create({ id, tenantId, name: spec.type, type: spec.type, config: spec.imported ? { idColumn: 'id' } : {}, status: 'active', syncInterval: 60, lastSync: null, nextSyncAt: null, errorMessage: null, consecutiveFailures: 0, createdAt: now, updatedAt: now, version: 1 });
        const res = await handler(testEvent(apiKey, id));
        expect([spec.type, res.statusCode, invocations().at(-1)?.FunctionName]).toEqual([spec.type, 200, 'switchboard-dev-workerFlows']);
        expect([spec.type, JSON.parse(res.body!)]).toEqual([spec.type, { ok: spec.imported === true, message: expect.any(String), latencyMs: expect.any(Number) }]);
      }
    });
  });
});
