import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { excluded } from '../../bench/bundles';
import { DRIVERS } from '../../scripts/build-layer';
import { specs } from '../../shared/connectors/specs';
import { workerFunction as workerKey } from '../../shared/invoke/types';
import { SqsSender } from '../../shared/queue/sqs';
import { FLOWS_QUEUE, NOTIFY_QUEUE } from '../../shared/queue/types';
import { testerOf } from '../../shared/services/test-in-worker';
import { tableDefinition } from '../../shared/store/db';
import { DASHBOARD_HEADERS } from '../../shared/local/static';
import { publicRoutes } from '../../shared/api/openapi';
import { inertApp, routeKeys } from '../../shared/api/route-keys';
import type { Route } from '../../shared/api/router';
import type { App } from '../../shared/services/app';
import {
  OUT,
  PREFIX,
  ROOT,
  actionsOf,
  allows,
  lambdaByKey,
  ofType,
  readTemplate,
  refOf,
  resourcesOf,
  roleOf,
  routeTarget,
  routesTo,
  selectRoute,
  runPackage,
  statementsOf,
  zipEntries,
  zipText,
  zips,
  type Json,
  type Resource,
  type Template,
  unzippedBytes,
} from './cfn';

/**
 * Builds the real CloudFormation template and zips offline (`npm run package`, as a deploy would) and
 * asserts what must be in them. One package run for the whole file: about 20–40 s.
 */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const dirOf = (type: string) => type.replace(/_/g, '-');

/**
 * Driver fingerprints (strings their code carries; checked present where expected, so a missing fingerprint cannot
 * pass silently). The database and SMTP drivers are in the drivers layer and in no function's zip; the Athena
 * client's name stays in the salespro worker alone.
 */
const FINGERPRINT = { pg: 'SCRAM-SHA-256', mysql2: 'caching_sha2_password', mssql: 'PRELOGIN', nodemailer: 'AUTH XOAUTH2', athena: 'AthenaClient' } as const;
type Driver = keyof typeof FINGERPRINT;
const LAYERED: Driver[] = ['pg', 'mysql2', 'mssql', 'nodemailer'];
const DRIVERS_OF: Record<string, Driver[]> = { salespro: ['athena'] };

/** Fn::Sub with the pseudo parameters of a fixed account and region. */
function sub(v: unknown): string {
  const s = (v as { 'Fn::Sub': string })['Fn::Sub'];
  if (typeof s !== 'string') throw new Error(`not an Fn::Sub: ${JSON.stringify(v)}`);
  return s.replace(/\$\{AWS::Region\}/g, REGION).replace(/\$\{AWS::AccountId\}/g, ACCOUNT).replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com').replace(/\$\{AWS::Partition\}/g, 'aws');
}

/** A function's key in serverless.yml (`workerHubspot`), which names its zip. */
const fnKey = (fn: Resource) => String(fn.Properties.FunctionName).slice(PREFIX.length + 1);
const functionKeys = () => ofType(t, 'AWS::Lambda::Function').map(([, fn]) => fnKey(fn));

/** Destination-only types (Slack, GA4, Datadog) have no sync worker. */
const workerSpecs = specs.filter((s) => !s.destinationOnly && !s.imported);

let t: Template;
let elapsedMs = 0;

/** Packaged with an IdP, so the sign-in parts are in the template (resolver.test.ts covers a stage without one). */
const IDP = { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example', audience: '4f2ph1ogq2kr9example' };
/** Route keys without their /sso twins (asserted apart, in 'sign-in for people'). */
const plain = (keys: string[]) => keys.filter((k) => !k.includes(' /sso/'));

beforeAll(async () => {
  elapsedMs = await runPackage([`--param=oidcIssuer=${IDP.issuer}`, `--param=oidcAudience=${IDP.audience}`, '--param=oidcTenantClaim=custom:tenant']);
  t = readTemplate();
}, 300_000);

describe('npm run package', () => {
  it('writes the template and one zip per function, offline', () => {
    const fns = ofType(t, 'AWS::Lambda::Function');
    expect(fns.length).toBeGreaterThanOrEqual(3 + workerSpecs.length);
    const names = zips().map((z) => z.name);
    for (const [, fn] of fns) expect(names).toContain(`${fnKey(fn)}.zip`);
    // Printed for the record, not asserted: packaging time depends on the machine.
    console.log(`package took ${(elapsedMs / 1000).toFixed(1)} s`);
  });
});

/** The queue-fed workers: one per connector, the flow worker on the `flows` queue (FLOWS_QUEUE), the notification worker on NOTIFY_QUEUE. */
const queueWorkers = [
  ...workerSpecs.map((s) => ({ type: s.type, handler: `functions/workers/${dirOf(s.type)}.handler`, timeout: s.deploy?.timeout ?? 900, memorySize: s.deploy?.memorySize ?? 512, iam: s.deploy?.iamStatements ?? [] })),
  { type: FLOWS_QUEUE, handler: 'functions/flows.handler', timeout: 900, memorySize: 512, iam: [] },
  { type: NOTIFY_QUEUE, handler: 'functions/notify.handler', timeout: 120, memorySize: 256, iam: [] },
];

describe('workers from the connector registry, and the flow worker', () => {
  it.each(queueWorkers.map((w) => [w.type]))('%s has a worker, a queue named for shared/queue/sqs.ts, a DLQ after 5 receives and a partial-batch event source', async (type) => {
    const w = queueWorkers.find((s) => s.type === type)!;
    const found = lambdaByKey(t, workerKey(type));
    expect(found).toBeDefined();
    const [fnId, fn] = found!;
    expect(fn.Properties.Handler).toBe(w.handler);
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Timeout).toBe(w.timeout);
    expect(fn.Properties.MemorySize).toBe(w.memorySize);

    // The queue the worker consumes is the one SqsSender sends this type to.
    const mappings = ofType(t, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => refOf(m.Properties.FunctionName) === fnId);
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0][1];
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.BatchSize).toBeGreaterThanOrEqual(1);
    expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(5);
    const queueId = refOf(mapping.Properties.EventSourceArn)!;
    const queue = t.Resources[queueId];
    expect(queue.Type).toBe('AWS::SQS::Queue');

    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    try {
      const prefix = sub(fn.Properties.Environment && (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.QUEUE_URL_PREFIX);
      await new SqsSender(() => new SQSClient({ region: REGION }), prefix).send(type, [{ kind: 'sync', tenantId: 't', integrationId: 'i', runId: 'r' }]);
      const sentTo = sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.QueueUrl;
      expect(sentTo).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${String(queue.Properties.QueueName)}`);
    } finally {
      sqs.restore();
    }

    // AWS: visibility timeout at least six times the function timeout (capped at SQS's 12 hours).
    const timeout = fn.Properties.Timeout as number;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(Math.min(6 * timeout, 43200));
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(timeout);
    const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(5);
    const dlq = t.Resources[refOf(redrive.deadLetterTargetArn)!];
    expect(dlq.Type).toBe('AWS::SQS::Queue');
    expect(dlq.Properties.RedrivePolicy).toBeUndefined();
  });

  it('gives each worker its own role: table, Decrypt/GenerateDataKey, its own queue and the notifications queue only, plus its declared statements', () => {
    const notifyQueueId = refOf(lambdaEventQueue(workerKey(NOTIFY_QUEUE)))!;
    for (const spec of queueWorkers) {
      const [fnId, fn] = lambdaByKey(t, workerKey(spec.type))!;
      const [, role] = roleOf(t, fn);
      const queueId = refOf(ofType(t, 'AWS::Lambda::EventSourceMapping').find(([, m]) => refOf(m.Properties.FunctionName) === fnId)![1].Properties.EventSourceArn)!;
      const stmts = statementsOf(role);
      for (const a of ['kms:Decrypt', 'kms:GenerateDataKey', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility']) {
        expect([spec.type, allows(role, a)]).toEqual([spec.type, true]);
      }
      for (const s of stmts.filter((s) => actionsOf({ ...role, Properties: { Policies: [{ PolicyDocument: { Statement: [s] } }] } }).some((a) => a.startsWith('sqs:')))) {
        // Receives from its own queue only; sends continuations there and a finished run's notifications to theirs.
        const sends = (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('sqs:SendMessage');
        expect(resourcesOf(s).map(refOf)).toEqual(sends ? [...new Set([queueId, notifyQueueId])] : [queueId]);
      }
      for (const extra of spec.iam) expect(stmts).toContainEqual(extra);
    }
  });
});

/** The queue feeding the function with this key. */
function lambdaEventQueue(key: string): unknown {
  const [fnId] = lambdaByKey(t, key)!;
  return ofType(t, 'AWS::Lambda::EventSourceMapping').find(([, m]) => refOf(m.Properties.FunctionName) === fnId)![1].Properties.EventSourceArn;
}

describe('least privilege', () => {
  const roles = () => ofType(t, 'AWS::Lambda::Function').map(([, fn]) => ({ key: fnKey(fn), role: roleOf(t, fn)[1] }));
  const role = (key: string) => roleOf(t, lambdaByKey(t, key)![1])[1];

  it('gives every function its own role, and only its own log group', () => {
    const ids = ofType(t, 'AWS::Lambda::Function').map(([, fn]) => roleOf(t, fn)[0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(t.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const { key, role: r } of roles()) {
      const logs = statementsOf(r).filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(resourcesOf(logs[0]).map(sub)).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${PREFIX}-${key}:*`]);
      expect(actionsOf(r).filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  it('lets the API enqueue and seal, never decrypt or receive', () => {
    const api = role('api');
    expect(allows(api, 'sqs:SendMessage')).toBe(true);
    expect(allows(api, 'kms:GenerateDataKey')).toBe(true);
    expect(allows(api, 'kms:Decrypt')).toBe(false);
    expect(allows(api, 'sqs:ReceiveMessage')).toBe(false);
    expect(allows(api, 'sqs:DeleteMessage')).toBe(false);
  });

  it('lets the flows API queue flow runs alone, and the bulk API no queue and no key', () => {
    const flows = role('apiFlows');
    const sends = statementsOf(flows).filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('sqs:')));
    expect(sends.map((s) => [s.Action, resourcesOf(s).map(refOf)])).toEqual([[['sqs:SendMessage'], [refOf(lambdaEventQueue(workerKey(FLOWS_QUEUE)))]]]);
    expect(actionsOf(flows).filter((a) => a.startsWith('kms:') || a.startsWith('s3:'))).toEqual([]);
    expect(actionsOf(role('apiBulk')).filter((a) => /^(kms|sqs):/.test(a))).toEqual([]);
  });

  it('gives the scheduler no KMS action at all', () => {
    const scheduler = role('scheduler');
    expect(actionsOf(scheduler).filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(allows(scheduler, 'sqs:SendMessage')).toBe(true);
    expect(allows(scheduler, 'sqs:ReceiveMessage')).toBe(false);
  });

  it('lets only the workers and webhooks decrypt', () => {
    const decrypting = roles().filter(({ role: r }) => allows(r, 'kms:Decrypt')).map(({ key }) => key).sort();
    const expected = queueWorkers.map((s) => workerKey(s.type));
    if (lambdaByKey(t, 'webhooks')) expected.push('webhooks');
    expect(decrypting).toEqual(expected.sort());
  });

  it('lets testConnection read the table and invoke the functions that run connection tests, nothing else: no KMS, no queue', () => {
    const r = role('testConnection');
    const testers = [...workerSpecs.map((s) => workerKey(s.type)), workerKey(FLOWS_QUEUE)];
    const access = statementsOf(r).filter((s) => !(Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('logs:')));
    expect(access.filter((s) => ![s.Action].flat().every((a) => a.startsWith('dynamodb:')))).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: testers.map((key) => ({ 'Fn::GetAtt': [lambdaByKey(t, key)![0], 'Arn'] })) },
    ]);
    expect(actionsOf(r).filter((a) => /^(kms|sqs|s3):/.test(a))).toEqual([]);
    // No other function may invoke one.
    expect(roles().filter(({ role: x }) => allows(x, 'lambda:InvokeFunction')).map(({ key }) => key)).toEqual(['testConnection']);
  });

  it('has testConnection invoke, for every type, a function of the template that answers its test (shared/services/test-in-worker.ts testerOf)', () => {
    const [, fn] = lambdaByKey(t, 'testConnection')!;
    const prefix = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.FUNCTION_NAME_PREFIX;
    expect(prefix).toBe(`${PREFIX}-`);
    const invokable = resourcesOf(statementsOf(role('testConnection')).find((s) => [s.Action].flat().includes('lambda:InvokeFunction'))!);
    for (const spec of specs) {
      const target = ofType(t, 'AWS::Lambda::Function').find(([, f]) => f.Properties.FunctionName === `${prefix}${testerOf(spec)}`);
      expect([spec.type, target?.[0]]).toEqual([spec.type, expect.any(String)]);
      expect(invokable).toContainEqual({ 'Fn::GetAtt': [target![0], 'Arn'] });
    }
  });

  it('gives Athena, Glue and S3 to the salespro worker only, and the bulk API function its export objects alone', () => {
    const withAws = roles()
      .filter(({ role: r }) => actionsOf(r).some((a) => /^(athena|glue|s3):/.test(a)))
      .map(({ key }) => key);
    expect(withAws.sort()).toEqual(['apiBulk', workerKey('salespro')].sort());
    const s3 = statementsOf(role('apiBulk')).filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([{ Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'], Resource: { 'Fn::Sub': '${ExportBucket.Arn}/exports/*' } }]);
    const sp = role(workerKey('salespro'));
    expect(allows(sp, 'athena:StartQueryExecution')).toBe(true);
    expect(allows(sp, 'glue:GetTable')).toBe(true);
    // And no other AWS::IAM::Role in the template (outside function roles) holds them either.
    const all = ofType(t, 'AWS::IAM::Role').filter(([, r]) => actionsOf(r).some((a) => /^(athena|glue):/.test(a)));
    expect(all).toHaveLength(1);
  });

  it('scopes every DynamoDB statement to the table and its indexes (the stream: flowDispatch alone, read only)', () => {
    const streamReaders: string[] = [];
    for (const { key, role: r } of roles()) {
      const onStream = (s: ReturnType<typeof statementsOf>[number]) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': ['Table', 'StreamArn'] });
      for (const s of statementsOf(r).filter(onStream)) {
        streamReaders.push(key);
        expect(s.Action).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
      }
      for (const s of statementsOf(r).filter((s) => !onStream(s) && (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('dynamodb:')))) {
        expect(resourcesOf(s)).toEqual([{ 'Fn::GetAtt': ['Table', 'Arn'] }, { 'Fn::Sub': '${Table.Arn}/index/*' }]);
        expect(s.Action).not.toContain('dynamodb:Scan');
      }
    }
    expect(streamReaders).toEqual(['flowDispatch']);
  });

  it('feeds realtime flows from the table stream: record items only, retried, bisected, then parked in a DLQ; no KMS', () => {
    expect(t.Resources.Table.Properties.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
    const [fnId] = lambdaByKey(t, 'flowDispatch')!;
    const [, m] = ofType(t, 'AWS::Lambda::EventSourceMapping').find(([, x]) => refOf(x.Properties.FunctionName) === fnId)!;
    expect(m.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { PK: { S: [{ prefix: 'REC#' }] } } } }) }] },
    });
    const dlq = refOf((m.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination);
    expect(t.Resources[dlq!].Type).toBe('AWS::SQS::Queue');
    const r = role('flowDispatch');
    expect(actionsOf(r).filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(allows(r, 'sqs:SendMessage')).toBe(true);
    expect(allows(r, 'sqs:ReceiveMessage')).toBe(false);
  });
});

describe('export bucket', () => {
  it('is private, encrypted without the stack key, TLS only, and forgets exports after a day; the API is told its name', () => {
    const b = t.Resources.ExportBucket;
    expect(b.Type).toBe('AWS::S3::Bucket');
    expect(b.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(b.Properties.LifecycleConfiguration).toEqual({ Rules: [{ Id: 'ExpireExports', Status: 'Enabled', Prefix: 'exports/', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] });
    const [, policy] = ofType(t, 'AWS::S3::BucketPolicy').find(([, p]) => refOf(p.Properties.Bucket) === 'ExportBucket')!;
    expect(policy.Properties.PolicyDocument).toMatchObject({ Statement: [{ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
    const bucketOf = (key: string) => refOf((lambdaByKey(t, key)![1].Properties.Environment as { Variables: Record<string, Json> }).Variables.EXPORT_BUCKET);
    expect(bucketOf('apiBulk')).toBe('ExportBucket');
    expect(bucketOf('api')).toBeUndefined();
  });
});

describe('HTTP API and schedule', () => {
  it('sends every route of every router, under /api and /sso/api, to the function whose handler serves it; any other /api path to api', () => {
    const keys = ofType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties.RouteKey));
    const served: string[] = [];
    for (const [fnId, fn] of ofType(t, 'AWS::Lambda::Function').filter(([id]) => routesTo(t, id).length > 0)) {
      const { routes } = require(join(ROOT, String(fn.Properties.Handler).replace(/\.handler$/, ''))) as { routes?: (app: App) => Route[] };
      expect([fnKey(fn), typeof routes]).toEqual([fnKey(fn), 'function']);
      for (const [method, path] of routeKeys(routes!)) {
        served.push(`${method} ${path}`);
        const sent = path.replace(/\{\w+\}/g, '1');
        for (const p of path.startsWith('/api/') ? [sent, `/sso${sent}`] : [sent]) expect([method, p, routeTarget(t, selectRoute(keys, method, p) ?? '')]).toEqual([method, p, fnId]);
      }
    }
    // Every route of the published contract is deployed, once.
    expect(served.sort()).toEqual(publicRoutes(inertApp()).map((r) => `${r.method} ${r.path}`).sort());
    for (const p of ['/api/nothing', '/api/flows/1/nothing', '/sso/api/integrations/1/nothing/1']) expect([p, routeTarget(t, selectRoute(keys, 'GET', p) ?? '')]).toEqual([p, lambdaByKey(t, 'api')![0]]);
  });

  it('picks routes as HTTP API does: a full match before a greedy one, literal segments before variables, the method before ANY', () => {
    const keys = ['ANY /api/{proxy+}', 'ANY /api/flows/{id}', 'GET /api/flows/templates', 'ANY /api/flows/templates', 'POST /api/integrations/{id}/test'];
    expect(selectRoute(keys, 'GET', '/api/flows/templates')).toBe('GET /api/flows/templates');
    expect(selectRoute(keys, 'PUT', '/api/flows/templates')).toBe('ANY /api/flows/templates');
    expect(selectRoute(keys, 'GET', '/api/flows/1')).toBe('ANY /api/flows/{id}');
    expect(selectRoute(keys, 'GET', '/api/flows')).toBe('ANY /api/{proxy+}');
    expect(selectRoute(keys, 'GET', '/api/integrations/1/test')).toBe('ANY /api/{proxy+}');
    expect(selectRoute(keys, 'POST', '/api/integrations/1/test')).toBe('POST /api/integrations/{id}/test');
    expect(selectRoute(keys, 'GET', '/api')).toBeUndefined();
  });

  it('runs the scheduler on rate(1 minute)', () => {
    const rules = ofType(t, 'AWS::Events::Rule').filter(([, r]) => (r.Properties.Targets as Array<{ Arn: unknown }>).some((x) => refOf(x.Arn) === lambdaByKey(t, 'scheduler')![0]));
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('declares webhooks, settings and the daily summary', () => {
    const webhooks = lambdaByKey(t, 'webhooks');
    expect(Boolean(webhooks)).toBe(true);
    if (webhooks) {
      // The public function serves the receivers only: the settings routes (which seal) are not routed to it.
      expect(routesTo(t, webhooks[0])).toEqual(['POST /webhooks/{proxy+}']);
      const r = roleOf(t, webhooks[1])[1];
      expect([allows(r, 'sqs:SendMessage'), allows(r, 'kms:Decrypt'), allows(r, 'sqs:ReceiveMessage'), allows(r, 'kms:GenerateDataKey')]).toEqual([true, true, false, false]);
    }
    const settings = lambdaByKey(t, 'settings');
    expect(Boolean(settings)).toBe(true);
    if (settings) {
      expect(settings[1].Properties.Handler).toBe('functions/settings.handler');
      expect(plain(routesTo(t, settings[0]))).toEqual(
        ['ANY /api/integrations/{id}/webhook', 'ANY /api/integrations/{id}/events', 'ANY /api/notifications/channels', 'ANY /api/notifications/channels/{id}', 'ANY /api/notifications/deliveries'].sort(),
      );
      // Seals new webhook and channel secrets; opens none; enqueues nothing.
      const r = roleOf(t, settings[1])[1];
      expect(allows(r, 'kms:GenerateDataKey')).toBe(true);
      expect(allows(r, 'dynamodb:Query')).toBe(true);
      expect(allows(r, 'kms:Decrypt')).toBe(false);
      expect(actionsOf(r).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    }
    const daily = lambdaByKey(t, 'dailySummary');
    expect(Boolean(daily)).toBe(true);
    if (daily) {
      const rules = ofType(t, 'AWS::Events::Rule').filter(([, r]) => (r.Properties.Targets as Array<{ Arn: unknown }>).some((x) => refOf(x.Arn) === daily[0]));
      expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['cron(0 * * * ? *)']);
      // The summary on demand queues like the schedule, so it is served by the function allowed to queue it.
      expect(plain(routesTo(t, daily[0]))).toEqual(['ANY /api/notifications/summary']);
      const r = roleOf(t, daily[1])[1];
      // It queues the summaries; the notification worker opens the channels' secrets and delivers.
      expect([allows(r, 'kms:Decrypt'), allows(r, 'sqs:SendMessage'), allows(r, 'kms:GenerateDataKey')]).toEqual([false, true, false]);
    }
  });

  it('gives every function the deployed environment', () => {
    for (const [, fn] of ofType(t, 'AWS::Lambda::Function')) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.TABLE_NAME).toEqual({ Ref: 'Table' });
      expect(refOf(env.KMS_KEY_ID)).toBe('Key');
      expect(sub(env.QUEUE_URL_PREFIX)).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${PREFIX}-`);
      expect(env.STAGE).toBe('dev');
      expect(sub(env.PUBLIC_BASE_URL)).toBe(`https://\${HttpApi}.execute-api.${REGION}.amazonaws.com`);
      expect(Number(env.SYNC_SAFETY_MARGIN_S)).toBeGreaterThan(0);
      // The operator's allow-list for private database hosts: empty unless the stage parameter sets it.
      expect(env.PRIVATE_TARGET_ALLOWLIST).toBe('');
      // Sign-in: the stage parameters, so our own check verifies what the authorizer verified.
      expect([env.OIDC_ISSUER, env.OIDC_AUDIENCE, env.OIDC_TENANT_CLAIM, env.OIDC_ROLE_CLAIM, env.OIDC_USER_CLAIM]).toEqual([IDP.issuer, IDP.audience, 'custom:tenant', 'role', 'sub']);
    }
  });
});

describe('sign-in for people', () => {
  const routes = () => ofType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  it('has a JWT authorizer with the issuer and audience of the stage parameters', () => {
    const authorizers = ofType(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0][1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: IDP.issuer, Audience: [IDP.audience] },
      ApiId: { Ref: 'HttpApi' },
    });
  });

  it('puts every tenant route under /sso behind it, to the same function, and leaves /api and the webhooks to API keys and signatures', () => {
    const authorizerId = ofType(t, 'AWS::ApiGatewayV2::Authorizer')[0][0];
    const keys = routes().map((r) => String(r.RouteKey));
    const tenantRoutes = keys.filter((k) => / \/api\//.test(k));
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(7);
    for (const key of tenantRoutes) {
      const twin = key.replace(' /api/', ' /sso/api/');
      expect([twin, keys.includes(twin)]).toEqual([twin, true]);
      expect(routeTarget(t, twin)).toBe(routeTarget(t, key));
      const props = routes().find((r) => r.RouteKey === twin)!;
      expect([twin, props.AuthorizationType, refOf(props.AuthorizerId)]).toEqual([twin, 'JWT', authorizerId]);
      expect([key, routes().find((r) => r.RouteKey === key)!.AuthorizationType ?? 'NONE']).toEqual([key, 'NONE']);
    }
    expect(keys.filter((k) => k.includes('/webhooks/'))).toEqual(['POST /webhooks/{proxy+}']);
  });

  it('ships no dev sign-in in any function', () => {
    for (const { name } of zips()) expect([name, zipText(name).includes('urn:switchboard:local-dev-sign-in')]).toEqual([name, false]);
  });
});

describe('dashboard as static files', () => {
  // Before beforeAll's package run: files written by it are newer.
  const collected = Date.now();
  const one = (type: string) => {
    const found = ofType(t, type);
    expect(found).toHaveLength(1);
    return found[0];
  };
  type Behavior = Record<string, unknown> & { TargetOriginId: string };
  const distribution = () => one('AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as {
    Origins: Array<Record<string, unknown> & { Id: string }>;
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Array<Behavior & { PathPattern: string }>;
    DefaultRootObject: string;
  };

  it('keeps the files in a private bucket that only this distribution may read, through origin access control', () => {
    const s3 = distribution().Origins.find((o) => o.Id === distribution().DefaultCacheBehavior.TargetOriginId)!;
    const bucketId = (s3.DomainName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const bucket = t.Resources[bucketId];
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const policies = ofType(t, 'AWS::S3::BucketPolicy').filter(([, p]) => refOf(p.Properties.Bucket) === bucketId);
    expect(policies).toHaveLength(1);
    const [distId] = one('AWS::CloudFront::Distribution');
    expect((policies[0][1].Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::\${${bucketId}}/*` },
        Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distId}}` } } },
      },
    ]);
    const [oacId, oac] = one('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(s3.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(s3.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    // No function reads or writes the bucket: publishing the files is a deploy step, not a runtime one.
    expect(JSON.stringify(ofType(t, 'AWS::IAM::Role'))).not.toContain(bucketId);
  });

  it('routes /api/* and /sso/* to the HTTP API on the same origin, uncached, with every method and header but Host', () => {
    const d = distribution();
    const api = d.Origins.find((o) => o.Id !== d.DefaultCacheBehavior.TargetOriginId)!;
    expect(api.DomainName).toEqual({ 'Fn::Sub': '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' });
    expect(t.Resources.HttpApi.Type).toBe('AWS::ApiGatewayV2::Api');
    expect(api.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(d.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/api/*', '/sso/*']);
    for (const b of d.CacheBehaviors) {
      expect(b.TargetOriginId).toBe(api.Id);
      expect(b.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']));
      // AWS managed CachingDisabled and AllViewerExceptHostHeader (Authorization and If-Match reach the API).
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    }
  });

  it('answers app routes with index.html as npm start does, over HTTPS with the local server\'s CSP', () => {
    const d = distribution();
    expect(d.DefaultRootObject).toBe('index.html');
    expect(d.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const [fnId, fn] = one('AWS::CloudFront::Function');
    expect(d.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
    const handler = new Function(`${fn.Properties.FunctionCode as string}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    expect(['/', '/integrations/01ABC/runs', '/flows/new', '/app.js', '/app.css'].map(uri)).toEqual(['/index.html', '/index.html', '/index.html', '/app.js', '/app.css']);
    // Where the IdP sends people back after SSO sign-in (shared/dashboard/screens/sso.ts CALLBACK_PATH): the app's.
    expect(uri('/auth/callback')).toBe('/index.html');
    const [headersId, headers] = one('AWS::CloudFront::ResponseHeadersPolicy');
    expect(refOf(d.DefaultCacheBehavior.ResponseHeadersPolicyId)).toBe(headersId);
    const security = (headers.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string } } }).SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toBe(DASHBOARD_HEADERS['content-security-policy']);
    expect(t.Outputs?.DashboardUrl).toBeDefined();
    expect(t.Outputs?.DashboardBucketName).toBeDefined();
  });

  it('builds the files to publish: npm run package wrote dist/dashboard', () => {
    for (const f of ['index.html', 'app.js', 'app.css']) expect(statSync(join(ROOT, 'dist', 'dashboard', f)).mtimeMs).toBeGreaterThanOrEqual(collected);
  });
});

describe('table, key and alarms', () => {
  it('mirrors tableDefinition and adds on-demand, PITR, SSE with the key and TTL', () => {
    const table = t.Resources.Table;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    const def = tableDefinition(PREFIX);
    expect(table.Properties).toMatchObject(def);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(def.GlobalSecondaryIndexes);
    expect(table.Properties.AttributeDefinitions).toEqual(def.AttributeDefinitions);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'Key' } });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('has a rotating key and its alias; the key policy opens it to the account only via DynamoDB', () => {
    const key = t.Resources.Key;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const [, alias] = ofType(t, 'AWS::KMS::Alias')[0];
    expect(alias.Properties).toEqual({ AliasName: `alias/${PREFIX}`, TargetKeyId: { Ref: 'Key' } });
    const stmts = (key.Properties.KeyPolicy as { Statement: Array<{ Principal: unknown; Condition?: Record<string, Record<string, unknown>> }> }).Statement;
    for (const s of stmts.filter((s) => JSON.stringify(s.Principal) === '{"AWS":"*"}')) {
      expect(sub(s.Condition?.StringEquals['kms:ViaService'])).toBe(`dynamodb.${REGION}.amazonaws.com`);
    }
  });

  it('alarms on every DLQ holding a message and on every function error', () => {
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const dlqs = ofType(t, 'AWS::SQS::Queue')
      .map(([, q]) => refOf((q.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn))
      .filter((id): id is string => Boolean(id));
    expect(dlqs.length).toBe(queueWorkers.length);
    for (const dlq of dlqs) {
      const a = alarms.find((p) => p.MetricName === 'ApproximateNumberOfMessagesVisible' && refOf((p.Dimensions as Array<{ Value: unknown }>)[0].Value) === dlq);
      expect(a).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect((a!.Dimensions as Array<{ Name: string }>)[0].Name).toBe('QueueName');
    }
    for (const [id] of ofType(t, 'AWS::Lambda::Function')) {
      const a = alarms.find((p) => p.MetricName === 'Errors' && refOf((p.Dimensions as Array<{ Value: unknown }>)[0].Value) === id);
      expect([id, a]).toEqual([id, expect.objectContaining({ Namespace: 'AWS/Lambda', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })]);
    }
  });
});

/**
 * Each function's bundle, minified and uncompressed, in KB at most: what issue 14 reached (bench/bundles.ts,
 * README Benchmarks) plus a little, so growth is a decision and not a drift. The goal is 300 KB; README says
 * what is left between. Neither the AWS SDK (the Lambda runtime's) nor the database and SMTP drivers (the
 * drivers layer's) are in any bundle; the DynamoDB client is our own (shared/store/dynamo.ts and aws4, about
 * 12 KB of every bundle), which costs far less init than the SDK's.
 */
const BUNDLE_KB: Record<string, number> = {
  // zod (≈ 107 KB) and jsonata (≈ 85 KB: a flow's filter is compiled when it is saved) before any route's code.
  apiFlows: 390,
  // zod, jsonata and libphonenumber-js (≈ 123 KB: the `phone` transform, calls' numbers) alone are ≈ 315 KB, before
  // the mapping, targets, actions and reports it runs: see README, Benchmarks.
  workerFlows: 640,
  // The API's common part (zod, jose and the OIDC client, the store, the catalog of specs) plus their routes.
  api: 290,
  apiBulk: 290,
  testConnection: 250,
  // The XML sources' workers carry the XML parser and its helpers (≈ 65 KB).
  workerCustomApi: 285,
  workerReynolds: 285,
  workerDealersocket: 285,
  workerFive9: 285,
};
/**
 * Every other function: the other sync workers (each with its own connector and spec alone, 195–210 KB), webhooks
 * and settings (≈ 220), dailySummary (≈ 216), the notification worker (≈ 178), the scheduler and flowDispatch (≈ 161).
 */
const DEFAULT_BUNDLE_KB = 230;

describe('bundles', () => {
  it('keeps every function under its size limit', () => {
    const over: string[] = [];
    for (const key of functionKeys()) {
      const kb = unzippedBytes(`${key}.zip`) / 1024;
      if (kb > (BUNDLE_KB[key] ?? DEFAULT_BUNDLE_KB)) over.push(`${key}: ${kb.toFixed(0)} KB > ${BUNDLE_KB[key] ?? DEFAULT_BUNDLE_KB} KB`);
    }
    expect(zips().length).toBeGreaterThan(30);
    expect(over).toEqual([]);
  });


  it("keeps libphonenumber-js (the `phone` transform, calls' numbers) in the flow worker and out of the API, which only checks templates", () => {
    // A key of its metadata.
    const has = (key: string) => zipText(`${key}.zip`).includes('country_calling_codes');
    expect(['workerFlows', 'apiFlows', 'api'].map((key) => [key, has(key)])).toEqual([['workerFlows', true], ['apiFlows', false], ['api', false]]);
  });

  it('bundles no reply schemas (replies.ts) in any function: only what checks replies (npm start, the tests) loads them', () => {
    const fingerprint = 'for the next page; null on the last one';
    expect(readFileSync(join(ROOT, 'shared', 'api', 'replies.ts'), 'utf8')).toContain(fingerprint);
    for (const { name } of zips().filter((z) => z.name !== 'drivers.zip')) expect([name, zipText(name).includes(fingerprint)]).toEqual([name, false]);
  });

  it('bundles the OpenAPI document `npm run build` wrote, compressed, into the api function alone', () => {
    const built = JSON.parse(readFileSync(join(ROOT, '.build', 'openapi.br.json'), 'utf8')) as string;
    for (const key of ['api', 'apiFlows', 'apiBulk', 'settings']) expect([key, zipText(`${key}.zip`).includes(built)]).toEqual([key, key === 'api']);
  });

  it('zips each function alone, and each worker without other connectors\' drivers', () => {
    const sizes: Record<string, string> = {};
    for (const z of zips()) sizes[z.name] = `${(z.bytes / 1024).toFixed(0)} KB`;
    console.log('zip sizes', sizes);

    for (const [, fn] of ofType(t, 'AWS::Lambda::Function')) {
      const key = fnKey(fn);
      const handlerFile = `${String(fn.Properties.Handler).replace(/\.handler$/, '')}.js`;
      expect([key, zipEntries(`${key}.zip`)]).toEqual([key, [handlerFile]]);
    }
    for (const key of ['api', 'apiFlows', 'apiBulk', 'scheduler']) {
      const text = zipText(`${key}.zip`);
      for (const d of Object.keys(FINGERPRINT) as Driver[]) expect([key, d, text.includes(FINGERPRINT[d])]).toEqual([key, d, false]);
    }
    for (const spec of workerSpecs) {
      const key = workerKey(spec.type);
      const text = zipText(`${key}.zip`);
      const own = DRIVERS_OF[spec.type] ?? [];
      for (const d of Object.keys(FINGERPRINT) as Driver[]) expect([key, d, text.includes(FINGERPRINT[d])]).toEqual([key, d, own.includes(d)]);
    }
    for (const key of ['testConnection', workerKey(FLOWS_QUEUE)]) {
      const text = zipText(`${key}.zip`);
      for (const d of LAYERED) expect([key, d, text.includes(FINGERPRINT[d])]).toEqual([key, d, false]);
    }
  });
});

describe('drivers layer', () => {
  /** The driver packages a function's bundle loads (as require("pg"), require("mysql2/promise")). */
  const driversRequired = (key: string) => DRIVERS.filter((d) => new RegExp(`require\\("${d}(/[^"]*)?"\\)`).test(zipText(`${key}.zip`)));
  const layersOf = (key: string) => (lambdaByKey(t, key)![1].Properties.Layers ?? []) as Json[];

  it('is one layer of the drivers serverless.yml leaves out of every bundle, for the deployed runtime', () => {
    const layers = ofType(t, 'AWS::Lambda::LayerVersion');
    expect(layers.map(([id]) => id)).toEqual(['DriversLambdaLayer']);
    const [, layer] = layers[0];
    expect(layer.Properties).toMatchObject({ LayerName: `${PREFIX}-drivers`, CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64'] });
    expect(String((layer.Properties.Content as { S3Key: string }).S3Key)).toMatch(/\/drivers\.zip$/);
    for (const d of DRIVERS) expect([d, excluded()]).toEqual([d, expect.arrayContaining([d])]);
  });

  it('goes to exactly the functions that load a driver with a tenant\'s secrets (the flows API loads nodemailer\'s code path but cannot decrypt)', () => {
    const keys = functionKeys();
    const needing = keys.filter((key) => driversRequired(key).length > 0 && allows(roleOf(t, lambdaByKey(t, key)![1])[1], 'kms:Decrypt'));
    expect(needing.sort()).toEqual([workerKey('database'), workerKey('genius'), workerKey('marketsharp'), workerKey(FLOWS_QUEUE)].sort());
    expect(driversRequired('apiFlows')).toEqual(['nodemailer']);
    expect(driversRequired('api')).toEqual([]);
    for (const key of keys) expect([key, layersOf(key)]).toEqual([key, needing.includes(key) ? [{ Ref: 'DriversLambdaLayer' }] : []]);
  });

  it('holds the drivers and everything they load, at our lockfile\'s versions, under nodejs/node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-layer-'));
    try {
      execFileSync('unzip', ['-q', join(OUT, 'drivers.zip'), '-d', dir]);
      expect(readdirSync(dir)).toEqual(['nodejs']);
      const modules = join(dir, 'nodejs', 'node_modules');
      const text = execFileSync('unzip', ['-p', join(OUT, 'drivers.zip')], { maxBuffer: 256 * 1024 * 1024, encoding: 'latin1' });
      for (const d of LAYERED) expect([d, text.includes(FINGERPRINT[d])]).toEqual([d, true]);
      // A fresh node that finds packages only through Lambda's NODE_PATH, from outside the project: nothing is missing.
      const script = `for (const m of ${JSON.stringify([...DRIVERS, 'mysql2/promise'])}) { const p = require.resolve(m); if (!p.startsWith(${JSON.stringify(modules)})) throw new Error(m + ' from ' + p); require(m); }
        process.stdout.write(JSON.stringify(${JSON.stringify(DRIVERS)}.map((m) => require(m + '/package.json').version)))`;
      const versions = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_PATH: modules }, encoding: 'utf8' })) as string[];
      const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
      expect(versions).toEqual(DRIVERS.map((d) => lock.packages[`node_modules/${d}`].version));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
