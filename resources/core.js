'use strict';
/**
 * The non-worker functions' roles and alarms, and the two functions whose entry files may not exist yet
 * (webhooks, daily summary): each is declared only when its entry file is there, so the template never
 * points at a missing handler. api, testConnection and scheduler are declared in serverless.yml itself.
 *
 * Who may do what (least privilege, one role per function):
 * - api: DynamoDB, SendMessage to the worker queues, kms:GenerateDataKey (seals secrets on create/patch);
 *   never kms:Decrypt, never receives from a queue.
 * - testConnection: DynamoDB, kms:Decrypt (opens secrets) + GenerateDataKey (re-seals refreshed tokens).
 * - scheduler: DynamoDB, SendMessage. No KMS at all.
 * - webhooks: DynamoDB, SendMessage, kms:Decrypt (verifies signatures with sealed secrets), and
 *   kms:GenerateDataKey because functions/webhooks.ts also serves the webhook and notification settings
 *   routes, which seal new secrets (shared/webhooks/provision.ts, shared/notify/service.ts).
 * - dailySummary: DynamoDB, kms:Decrypt (notification channel secrets).
 */
const { entryExists, naming, dynamoStatement, kmsStatement, sendStatement, lambdaRole, errorsAlarm } = require('./lib');
const { queueIds } = require('./workers');

/** Functions declared in serverless.yml. */
const STATIC = ['api', 'testConnection', 'scheduler'];

/** Functions declared here, only when their entry exists. */
const OPTIONAL = {
  webhooks: {
    entry: 'functions/webhooks.ts',
    fn: {
      handler: 'functions/webhooks.handler',
      description: 'Inbound webhooks: verify the signature, dedupe, enqueue, answer fast',
      role: 'WebhooksRole',
      timeout: 29,
      memorySize: 512,
      // The receivers, plus the settings routes functions/webhooks.ts serves (shared/webhooks/routes.ts,
      // shared/notify/routes.ts); API Gateway prefers these exact routes over `ANY /api/{proxy+}`.
      events: [
        { httpApi: { method: 'POST', path: '/webhooks/{proxy+}' } },
        { httpApi: { method: 'GET', path: '/api/integrations/{id}/webhook' } },
        { httpApi: { method: 'PUT', path: '/api/integrations/{id}/webhook' } },
        { httpApi: { method: 'GET', path: '/api/integrations/{id}/events' } },
        { httpApi: { method: 'ANY', path: '/api/notifications/{proxy+}' } },
      ],
    },
  },
  dailySummary: {
    entry: 'functions/daily-summary.ts',
    fn: {
      handler: 'functions/daily-summary.handler',
      description: 'Daily sync summary to the notification channels',
      role: 'DailySummaryRole',
      timeout: 300,
      memorySize: 512,
      // 07:00 UTC every day.
      events: [{ schedule: { rate: ['cron(0 7 * * ? *)'] } }],
    },
  },
};

const presentOptional = () => Object.keys(OPTIONAL).filter((k) => entryExists(OPTIONAL[k].entry));

/** `functions:` fragment: the optional functions whose entry files exist. */
async function functions() {
  return Object.fromEntries(presentOptional().map((k) => [k, OPTIONAL[k].fn]));
}

async function resources({ resolveVariable }) {
  const { prefix } = await naming(resolveVariable);
  const queues = queueIds();
  const statements = {
    api: [dynamoStatement(), sendStatement(queues), kmsStatement(['kms:GenerateDataKey'])],
    testConnection: [dynamoStatement(), kmsStatement(['kms:Decrypt', 'kms:GenerateDataKey'])],
    scheduler: [dynamoStatement(), sendStatement(queues)],
    webhooks: [dynamoStatement(), sendStatement(queues), kmsStatement(['kms:Decrypt', 'kms:GenerateDataKey'])],
    dailySummary: [dynamoStatement(), kmsStatement(['kms:Decrypt'])],
  };
  const Resources = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${prefix}-alarms`, DisplayName: `Switchboard ${prefix} alarms` },
    },
  };
  for (const key of [...STATIC, ...presentOptional()]) {
    const id = key[0].toUpperCase() + key.slice(1);
    Resources[`${id}Role`] = lambdaRole(`${prefix}-${key}`, statements[key]);
    Resources[`${id}ErrorsAlarm`] = errorsAlarm(key);
  }
  return { Resources, Outputs: { AlarmTopicArn: { Description: 'Subscribe to receive alarms', Value: { Ref: 'AlarmTopic' } } } };
}

module.exports = { functions, resources };
