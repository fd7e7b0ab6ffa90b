'use strict';
/**
 * Shared pieces of the deploy definition: loading the TypeScript registry, logical ids, IAM statements,
 * roles and alarms. serverless.yml pulls the generated parts in with `${file(./resources/<x>.js):<key>}`;
 * osls calls each exported function with `{ resolveVariable }`.
 */
const fs = require('node:fs');
const path = require('node:path');
const tsx = require('tsx/cjs/api');

const ROOT = path.resolve(__dirname, '..');

/** Loads a TypeScript module of the project (the registry, the table definition) through tsx. */
const loadTs = (rel) => tsx.require(path.join(ROOT, rel), __filename);

/** `google_sheets` → `google-sheets`: the worker entry file and the queue suffix (shared/queue/sqs.ts does the same). */
const dirOf = (type) => type.replace(/_/g, '-');
/** `google_sheets` → `GoogleSheets`. A worker's key must be shared/invoke/types.ts `workerFunction`'s, which testConnection invokes: tests/deploy/template.test.ts finds each worker by it. */
const pascal = (type) =>
  type
    .split(/[_-]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
/** osls's logical id for a function key (`workerHubspot` → `WorkerHubspotLambdaFunction`). */
const fnLogicalId = (key) => `${key[0].toUpperCase()}${key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;
const upperFirst = (s) => s[0].toUpperCase() + s.slice(1);

/** Defaults when a spec declares no `deploy` needs: Lambda's full 15 minutes (syncs checkpoint before it). */
const DEFAULT_TIMEOUT_S = 900;
const DEFAULT_MEMORY_MB = 512;
/**
 * AWS: set the source queue's visibility timeout to at least six times the function timeout, so a batch
 * retried by Lambda (throttling) stays invisible meanwhile.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
const VISIBILITY_FACTOR = 6;
/** SQS caps the visibility timeout at 12 hours. */
const MAX_VISIBILITY_S = 43200;
/** A message that fails 5 receives goes to the DLQ (the worker reports partial batch failures). */
const MAX_RECEIVE_COUNT = 5;

/** True when a file of the project exists (Lambda entries other engineers may still be writing). */
const entryExists = (rel) => fs.existsSync(path.join(ROOT, rel));

/**
 * Every connector in the registry with what the template needs about its worker. Throws when a connector
 * has no `functions/workers/<dir>.ts` entry: a registry entry without a worker would never sync.
 * Destination-only types (Slack, GA4, Datadog: written to by flow actions, never synced) have no worker.
 */
function workerEntries(specs = loadTs('shared/connectors/specs.ts').specs, exists = entryExists) {
  const seen = new Set();
  // Destination-only and imported types (records arrive by upload to the API) have nothing to sync: no worker, no queue.
  return specs.filter((spec) => !spec.destinationOnly && !spec.imported).map((spec) => {
    const dir = dirOf(spec.type);
    if (seen.has(dir)) throw new Error(`Two connectors map to the same worker/queue name "${dir}"`);
    seen.add(dir);
    const entry = `functions/workers/${dir}.ts`;
    if (!exists(entry)) {
      throw new Error(`Connector "${spec.type}" is in shared/connectors/specs.ts but has no worker entry ${entry}`);
    }
    return queueWorker({
      spec,
      type: spec.type,
      dir,
      handler: `functions/workers/${dir}.handler`,
      description: `Sync worker for the ${spec.type} connector`,
      timeout: spec.deploy?.timeout,
      memorySize: spec.deploy?.memorySize,
      iamStatements: spec.deploy?.iamStatements,
      drivers: spec.deploy?.drivers,
    });
  });
}

/** The layer of database and SMTP drivers (serverless.yml `layers.drivers`), as a function's `layers` entry. */
const DRIVERS_LAYER = { Ref: 'DriversLambdaLayer' };

/** A queue-fed worker's template facts: logical ids, timeout, memory and the visibility timeout that follows. */
function queueWorker({ type, dir, handler, description, timeout = DEFAULT_TIMEOUT_S, memorySize = DEFAULT_MEMORY_MB, iamStatements = [], drivers = false, spec }) {
  const key = `worker${pascal(type)}`;
  const id = upperFirst(key);
  return {
    spec,
    type,
    dir,
    key,
    handler,
    description,
    timeout,
    memorySize,
    visibilityTimeout: Math.min(MAX_VISIBILITY_S, Math.max(timeout, VISIBILITY_FACTOR * timeout)),
    queueId: `${id}Queue`,
    dlqId: `${id}Dlq`,
    roleId: `${id}Role`,
    iamStatements,
    layers: drivers ? [DRIVERS_LAYER] : [],
  };
}

/** The flow worker (functions/flows.ts): the `flows` queue that shared/flows/service.ts sends runs to; mail actions send over SMTP. */
const flowsWorkerEntry = () => queueWorker({ type: 'flows', dir: 'flows', handler: 'functions/flows.handler', description: 'Flow worker: delivers records to flow targets', drivers: true });

/**
 * The notification worker (functions/notify.ts): the `notifications` queue that shared/notify/service.ts sends
 * each event for each channel to. A delivery waits out a receiver's Retry-After for at most 30 s of its 2 minutes.
 */
const notifyWorkerEntry = () =>
  queueWorker({ type: 'notifications', dir: 'notifications', handler: 'functions/notify.handler', description: 'Notification worker: delivers events to Slack and webhook channels', timeout: 120, memorySize: 256 });

/** The service and stage, resolved through osls's own variables. */
async function naming(resolveVariable) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return { service, stage, prefix: `${service}-${stage}` };
}

// ---- IAM statements -------------------------------------------------------------------------------------

/** The commands the stores send (shared/store/*): no Scan, no table management. */
const DYNAMO_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
];
const dynamoStatement = () => ({
  Effect: 'Allow',
  Action: DYNAMO_ACTIONS,
  Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }, { 'Fn::Sub': '${Table.Arn}/index/*' }],
});
const kmsStatement = (actions) => ({ Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } });
const queueArns = (ids) => ids.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
const sendStatement = (queueIds) => ({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: queueArns(queueIds) });
/** Synchronous calls (Invoke) of the given functions, by their logical ids (fnLogicalId). */
const invokeStatement = (fnIds) => ({ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: fnIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) });
const consumeStatement = (queueId) => ({
  Effect: 'Allow',
  Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  Resource: queueArns([queueId]),
});

/**
 * A Lambda execution role with inline policies: its own log group (osls creates the group, so no
 * CreateLogGroup) plus the given statements. One role per function: least privilege per function.
 */
function lambdaRole(functionName, statements) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'logs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName}:*` },
              },
            ],
          },
        },
        { PolicyName: 'access', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      ],
    },
  };
}

// ---- alarms ---------------------------------------------------------------------------------------------

const ALARM_ACTIONS = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };

/** Any error of the function in a 5-minute window. */
const errorsAlarm = (functionKey) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: `Lambda ${functionKey} reported errors`,
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnLogicalId(functionKey) } }],
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ...ALARM_ACTIONS,
  },
});

/** Any message in a dead-letter queue: a sync run or webhook event failed 5 times. */
const dlqAlarm = (dlqId, label) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: `Messages in the ${label} dead-letter queue`,
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ...ALARM_ACTIONS,
  },
});

module.exports = {
  ROOT,
  MAX_RECEIVE_COUNT,
  loadTs,
  dirOf,
  pascal,
  fnLogicalId,
  workerEntries,
  flowsWorkerEntry,
  notifyWorkerEntry,
  entryExists,
  naming,
  dynamoStatement,
  kmsStatement,
  sendStatement,
  invokeStatement,
  consumeStatement,
  lambdaRole,
  errorsAlarm,
  dlqAlarm,
};
