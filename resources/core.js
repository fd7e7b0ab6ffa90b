'use strict';
/**
 * The non-worker functions' roles and alarms, and the webhooks, settings and daily summary functions (api,
 * testConnection and scheduler are declared in serverless.yml itself).
 *
 * Who may do what (least privilege, one role per function):
 * - api: DynamoDB, SendMessage to the worker queues, kms:GenerateDataKey (seals secrets on create/patch),
 *   S3 objects under exports/ of the export bucket; never kms:Decrypt, never receives from a queue.
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
const { httpEvents } = require('./sso');

/** Multipart upload (PutObject covers its create, part and complete calls), its abort, and the presigned GET. */
const EXPORT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'];

/** Functions declared in serverless.yml. */
const STATIC = ['api', 'testConnection', 'scheduler'];

/** The HTTP API routes of the settings function (method, path). */
const SETTINGS_ROUTES = [
  ['GET', '/api/integrations/{id}/webhook'],
  ['PUT', '/api/integrations/{id}/webhook'],
  ['GET', '/api/integrations/{id}/events'],
  ['ANY', '/api/notifications/{proxy+}'],
];

/** Functions declared here. */
const DECLARED = {
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
    // shared/api/webhooks.ts webhookSettingsRoutes, shared/api/notifications.ts; API Gateway prefers these
    // exact routes over `ANY /api/{proxy+}`.
    events: SETTINGS_ROUTES.map(([method, path]) => ({ httpApi: { method, path } })),
  },
  dailySummary: {
    handler: 'functions/daily-summary.handler',
    description: 'Daily sync summary to the notification channels',
    role: 'DailySummaryRole',
    timeout: 300,
    memorySize: 512,
    // Every hour: each channel names its hour and zone (default 07:00 UTC, shared/notify/summary.ts); and one tenant's on demand, here
    // rather than on settings because it queues to the notifications queue, which settings may not.
    events: [{ schedule: { rate: ['cron(0 * * * ? *)'] } }, { httpApi: { method: 'POST', path: '/api/notifications/summary' } }],
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

/** `functions:` fragment; the tenant routes of settings and dailySummary get their /sso twins when an IdP is set. */
async function functions({ resolveVariable }) {
  const settings = await httpEvents(SETTINGS_ROUTES)({ resolveVariable });
  const summary = await httpEvents([['POST', '/api/notifications/summary']])({ resolveVariable });
  return {
    ...DECLARED,
    settings: { ...DECLARED.settings, events: settings },
    dailySummary: { ...DECLARED.dailySummary, events: [...DECLARED.dailySummary.events.filter((e) => !e.httpApi), ...summary] },
  };
}

async function resources({ resolveVariable }) {
  const { prefix } = await naming(resolveVariable);
  const queues = queueIds();
  const statements = {
    // S3: uploads large exports and signs their GET URLs (shared/bulk/deliver.ts), under exports/ only.
    api: [dynamoStatement(), sendStatement(queues), kmsStatement(['kms:GenerateDataKey']), { Effect: 'Allow', Action: EXPORT_ACTIONS, Resource: { 'Fn::Sub': '${ExportBucket.Arn}/exports/*' } }],
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

module.exports = { functions, resources, SETTINGS_ROUTES };
