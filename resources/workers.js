'use strict';
/**
 * One worker per connector in shared/connectors/specs.ts: its Lambda (own bundle, timeout, memory and role),
 * its SQS queue `${service}-${stage}-<type with _→->` (the name shared/queue/sqs.ts sends to) with a DLQ
 * after 5 receives, and alarms. Declaring a connector in the registry (plus its entry in functions/workers/)
 * is all it takes: serverless.yml has no per-connector lines. The flow worker and its `flows` queue, and the
 * notification worker and its `notifications` queue, are made the same way.
 */
const {
  MAX_RECEIVE_COUNT,
  workerEntries,
  flowsWorkerEntry,
  notifyWorkerEntry,
  naming,
  fnLogicalId,
  dynamoStatement,
  kmsStatement,
  sendStatement,
  consumeStatement,
  lambdaRole,
  errorsAlarm,
  dlqAlarm,
} = require('./lib');

/** Four days in the queue (SQS default), fourteen in the DLQ (the maximum) so failures can be inspected. */
const QUEUE_RETENTION_S = 4 * 86400;
const DLQ_RETENTION_S = 14 * 86400;

/** `functions:` entries, keyed `worker<Type>`, for the given worker entries. */
function buildFunctions(entries) {
  const out = {};
  for (const w of entries) {
    out[w.key] = {
      handler: w.handler,
      description: w.description,
      role: w.roleId,
      timeout: w.timeout,
      memorySize: w.memorySize,
      ...(w.layers.length ? { layers: w.layers } : {}),
      events: [
        {
          sqs: {
            arn: { 'Fn::GetAtt': [w.queueId, 'Arn'] },
            // One run per invocation: a run uses up to the whole timeout and re-enqueues its continuation.
            batchSize: 1,
            functionResponseType: 'ReportBatchItemFailures',
          },
        },
      ],
    };
  }
  return out;
}

/** `resources:` fragment: queues, DLQs, roles, alarms for the given worker entries. */
function buildResources(entries, prefix) {
  const Resources = {};
  const Outputs = {};
  for (const w of entries) {
    Resources[w.dlqId] = {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `${prefix}-${w.dir}-dlq`, MessageRetentionPeriod: DLQ_RETENTION_S, SqsManagedSseEnabled: true },
    };
    Resources[w.queueId] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${prefix}-${w.dir}`,
        VisibilityTimeout: w.visibilityTimeout,
        MessageRetentionPeriod: QUEUE_RETENTION_S,
        // SQS-managed SSE, not the KMS key: with a KMS-encrypted queue every sender would need kms:Decrypt,
        // and the API must not hold it.
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [w.dlqId, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
      },
    };
    Resources[w.roleId] = lambdaRole(`${prefix}-${w.key}`, [
      dynamoStatement(),
      // Opens the integration's secrets; re-seals refreshed OAuth tokens.
      kmsStatement(['kms:Decrypt', 'kms:GenerateDataKey']),
      // Continuations of a long sync go back to its own queue; a finished run's notifications to theirs.
      sendStatement([...new Set([w.queueId, notifyWorkerEntry().queueId])]),
      consumeStatement(w.queueId),
      ...w.iamStatements,
    ]);
    Resources[`${w.dlqId}Alarm`] = dlqAlarm(w.dlqId, w.type);
    Resources[`${w.key[0].toUpperCase()}${w.key.slice(1)}ErrorsAlarm`] = errorsAlarm(w.key);
    Outputs[`${w.queueId}Url`] = { Value: { Ref: w.queueId } };
  }
  return { Resources, Outputs };
}

/** The registry's workers, the flow worker and the notification worker, built the same way. */
const allEntries = () => [...workerEntries(), flowsWorkerEntry(), notifyWorkerEntry()];

// What serverless.yml reads (osls calls these with `{ resolveVariable }`).
const functions = async () => buildFunctions(allEntries());
const resources = async ({ resolveVariable }) => buildResources(allEntries(), (await naming(resolveVariable)).prefix);

/** Queue logical ids, for the roles of the functions that enqueue (API, scheduler, webhooks). */
const queueIds = () => allEntries().map((w) => w.queueId);

/**
 * Logical ids of the functions that answer a connection test (shared/handlers/connection-tests.ts): every sync
 * worker and the flow worker (types without a worker of their own, shared/services/test-in-worker.ts testerOf).
 */
const testerIds = () => [...workerEntries(), flowsWorkerEntry()].map((w) => fnLogicalId(w.key));

module.exports = { functions, resources, queueIds, testerIds, buildFunctions, buildResources };
