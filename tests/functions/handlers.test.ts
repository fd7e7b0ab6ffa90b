import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { fakeKms, fakeSqs } from '../helpers/aws-fakes';
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
  let apiKey: string;
  let tenantId: string;

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
      EXPORT_BUCKET: 'switchboard-dev-exports',
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-fn-')),
    });
    resetConfig();
    const db = createDb({ endpoint: dyn.endpoint, table: 'switchboard-test' });
    await ensureTable(db.client, db.table);
    ({ apiKey, tenantId } = await new TenantStore(db).createTenant('fn'));
  });
  afterAll(async () => {
    kms.restore();
    sqs.restore();
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

  it('each HTTP function serves only the routes it names: the public webhooks and the settings functions do not list integrations', async () => {
    for (const entry of ['webhooks', 'settings', 'test-connection']) {
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
});
