'use strict';
/**
 * The non-worker functions' roles and alarms, and the HTTP API's functions but testConnection, the webhooks and
 * the daily summary (testConnection and scheduler are declared in serverless.yml itself). Each tenant HTTP
 * function's API Gateway routes are read from its own router (resources/sso.js routedEvents).
 *
 * Who may do what (least privilege, one role per function):
 * - api: DynamoDB, SendMessage to the worker queues, kms:GenerateDataKey (seals secrets on create/patch);
 *   never kms:Decrypt, never receives from a queue.
 * - apiFlows: DynamoDB, SendMessage to the flows queue (manual runs and retries). No KMS: flows hold no secret.
 * - apiBulk: DynamoDB, S3 objects under exports/ of the export bucket. No KMS, no SQS: an import writes records
 *   (realtime flows see them through the table's stream).
 * - testConnection: DynamoDB (authenticates, loads the integration), lambda:InvokeFunction on the functions that
 *   run connection tests (the sync workers and the flow worker), which open the secrets. No KMS.
 * - scheduler: DynamoDB, SendMessage. No KMS at all.
 * - webhooks (public, no API key): DynamoDB, SendMessage (enqueues accepted events and the rejected-burst
 *   notification), kms:Decrypt (opens the sealed webhook secret or the connector's clientSecret/authToken to
 *   verify signatures). Never kms:GenerateDataKey: nothing on the receive path seals (shared/webhooks/service.ts).
 * - settings (webhook and notification settings routes): DynamoDB, kms:GenerateDataKey (seals new webhook
 *   secrets, shared/webhooks/provision.ts, and channel secrets, shared/notify/service.ts createChannel). No
 *   kms:Decrypt: status, event log, channel and delivery listings show no secret, so none is opened. No SQS:
 *   no settings route enqueues.
 * - dailySummary: DynamoDB, SendMessage to the notifications queue (the notification worker delivers).
 * - flowDispatch (table stream → realtime flow runs): DynamoDB, the stream's read actions, SendMessage to the
 *   flows queue and its own DLQ. No KMS.
 */
const { naming, dynamoStatement, kmsStatement, sendStatement, invokeStatement, lambdaRole, errorsAlarm, dlqAlarm, flowsWorkerEntry, notifyWorkerEntry } = require('./lib');

/** What a stream consumer needs on the table's stream. */
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const { queueIds, testerIds } = require('./workers');
const { routedEvents } = require('./sso');

/** Multipart upload (PutObject covers its create, part and complete calls), its abort, and the presigned GET. */
const EXPORT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'];

/** Functions declared in serverless.yml. */
const STATIC = ['testConnection', 'scheduler'];

/** The functions whose HTTP routes are their routers' paths, with the routes each gets beyond those: every other /api path goes to api (a 404). */
const ROUTED = { api: [['ANY', '/api/{proxy+}']], apiFlows: [], apiBulk: [], settings: [], dailySummary: [] };

/** Functions declared here. */
const DECLARED = {
  api: {
    handler: 'functions/api.handler',
    description: 'HTTP API (integrations, sync requests, runs, data, metrics, keys, people, sign-in); no connector code',
    role: 'ApiRole',
    timeout: 29,
    memorySize: 512,
  },
  apiFlows: {
    handler: 'functions/api-flows.handler',
    description: 'HTTP API: flows, their runs, deliveries, assignments and reports',
    role: 'ApiFlowsRole',
    timeout: 29,
    memorySize: 512,
  },
  apiBulk: {
    handler: 'functions/api-bulk.handler',
    description: 'HTTP API: exports and imports of records (file parsers, S3)',
    role: 'ApiBulkRole',
    timeout: 29,
    memorySize: 512,
    environment: { EXPORT_BUCKET: { Ref: 'ExportBucket' } },
  },
  webhooks: {
    handler: 'functions/webhooks.handler',
    description: 'Inbound webhooks: verify the signature, dedupe, enqueue, answer fast',
    role: 'WebhooksRole',
    timeout: 29,
    memorySize: 512,
    // The public receivers only (shared/api/webhooks.ts webhookRoutes).
    events: [{ httpApi: { method: 'POST', path: '/webhooks/{proxy+}' } }],
  },
  settings: {
    handler: 'functions/settings.handler',
    description: 'Webhook and notification settings (seals new secrets, opens none)',
    role: 'SettingsRole',
    timeout: 29,
    memorySize: 512,
    // shared/api/webhooks.ts webhookSettingsRoutes, shared/api/notifications.ts (ROUTED).
  },
  dailySummary: {
    handler: 'functions/daily-summary.handler',
    description: 'Daily sync summary to the notification channels',
    role: 'DailySummaryRole',
    timeout: 300,
    memorySize: 512,
    // Every hour: each channel names its hour and zone (default 07:00 UTC, shared/notify/summary.ts); and one tenant's on demand, here
    // rather than on settings because it queues to the notifications queue, which settings may not.
    events: [{ schedule: { rate: ['cron(0 * * * ? *)'] } }],
  },
};

DECLARED.flowDispatch = {
  handler: 'functions/flow-dispatch.handler',
  description: 'Record changes (table stream) to realtime flow runs',
  role: 'FlowDispatchRole',
  timeout: 60,
  memorySize: 512,
  events: [
    {
      stream: {
        type: 'dynamodb',
        arn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
        batchSize: 100,
        // From the oldest record the stream holds: a change written while the mapping was being created still flows.
        startingPosition: 'TRIM_HORIZON',
        maximumRetryAttempts: 10,
        bisectBatchOnFunctionError: true,
        functionResponseType: 'ReportBatchItemFailures',
        filterPatterns: [{ dynamodb: { Keys: { PK: { S: [{ prefix: 'REC#' }] } } } }],
        destinations: { onFailure: { arn: { 'Fn::GetAtt': ['FlowDispatchDlq', 'Arn'] }, type: 'sqs' } },
      },
    },
  ],
};

/** `functions:` fragment; the routed functions' tenant routes get their /sso twins when an IdP is set. */
async function functions({ resolveVariable }) {
  const out = { ...DECLARED };
  for (const [key, extra] of Object.entries(ROUTED)) {
    const http = await routedEvents(DECLARED[key].handler, extra)({ resolveVariable });
    out[key] = { ...DECLARED[key], events: [...(DECLARED[key].events ?? []), ...http] };
  }
  return out;
}

async function resources({ resolveVariable }) {
  const { prefix } = await naming(resolveVariable);
  const queues = queueIds();
  const statements = {
    api: [dynamoStatement(), sendStatement(queues), kmsStatement(['kms:GenerateDataKey'])],
    apiFlows: [dynamoStatement(), sendStatement([flowsWorkerEntry().queueId])],
    // S3: uploads large exports and signs their GET URLs (shared/bulk/deliver.ts), under exports/ only.
    apiBulk: [dynamoStatement(), { Effect: 'Allow', Action: EXPORT_ACTIONS, Resource: { 'Fn::Sub': '${ExportBucket.Arn}/exports/*' } }],
    testConnection: [dynamoStatement(), invokeStatement(testerIds())],
    scheduler: [dynamoStatement(), sendStatement(queues)],
    webhooks: [dynamoStatement(), sendStatement(queues), kmsStatement(['kms:Decrypt'])],
    settings: [dynamoStatement(), kmsStatement(['kms:GenerateDataKey'])],
    // Queues each tenant's summary and each flow's daily report; the notification and flow workers open the secrets.
    dailySummary: [dynamoStatement(), sendStatement([notifyWorkerEntry().queueId, flowsWorkerEntry().queueId])],
    // Reads the table's stream, queues realtime runs, parks batches that keep failing in its DLQ. No KMS.
    flowDispatch: [
      dynamoStatement(),
      { Effect: 'Allow', Action: STREAM_ACTIONS, Resource: { 'Fn::GetAtt': ['Table', 'StreamArn'] } },
      sendStatement([flowsWorkerEntry().queueId, 'FlowDispatchDlq']),
    ],
  };
  const Resources = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${prefix}-alarms`, DisplayName: `Switchboard ${prefix} alarms` },
    },
  };
  Resources.FlowDispatchDlq = {
    Type: 'AWS::SQS::Queue',
    Properties: { QueueName: `${prefix}-flow-dispatch-dlq`, MessageRetentionPeriod: 14 * 86400, SqsManagedSseEnabled: true },
  };
  Resources.FlowDispatchDlqAlarm = dlqAlarm('FlowDispatchDlq', 'flow-dispatch');
  for (const key of [...STATIC, ...Object.keys(DECLARED)]) {
    const id = key[0].toUpperCase() + key.slice(1);
    Resources[`${id}Role`] = lambdaRole(`${prefix}-${key}`, statements[key]);
    Resources[`${id}ErrorsAlarm`] = errorsAlarm(key);
  }
  return { Resources, Outputs: { AlarmTopicArn: { Description: 'Subscribe to receive alarms', Value: { Ref: 'AlarmTopic' } } } };
}

module.exports = { functions, resources };
