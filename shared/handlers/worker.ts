import type { WebhookApplier } from '../webhooks/apply';
import { config } from '../config';
import { executeRun, type EngineOptions } from '../engine/engine';
import type { LambdaContext, SQSBatchResponse, SQSEvent } from '../lambda-types';
import { createLogger, withInvocation } from '../log';
import { MAX_RECEIVES, QueueMessageSchema } from '../queue/types';
import type { App } from '../services/app';
import { withConnectionTests, type WorkerHandler } from './connection-tests';
import { announceRun } from './run-finished';

const log = createLogger({ component: 'worker' });

/**
 * The SQS handler of a connector's worker. Each message is a sync run (or its continuation) or a webhook
 * event; a message that cannot be handled now is reported as a batch item failure, so SQS redelivers it
 * (and after 5 receives moves it to the dead-letter queue), while the rest of the batch is acknowledged.
 */
export function workerHandler(getApp: () => App, opts: { applyWebhook?: WebhookApplier; engine?: Partial<EngineOptions> } = {}): WorkerHandler {
  return withConnectionTests(getApp, async (event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> => {
    const app = getApp();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const msg = QueueMessageSchema.parse(JSON.parse(record.body));
        if (msg.kind === 'sync') {
          const { outcome, finished } = await executeRun(app, msg, {
            remainingMs: () => context.getRemainingTimeInMillis(),
            safetyMarginMs: config().SYNC_SAFETY_MARGIN_S * 1000,
            lastDelivery: Number(record.attributes?.ApproximateReceiveCount ?? 1) >= MAX_RECEIVES,
            ...opts.engine,
          });
          if (finished) await announceRun(app, finished, log);
          // Busy or paused: the queue delivers the message again after its visibility timeout (DLQ after MAX_RECEIVES).
          if (outcome === 'busy' || outcome === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
        } else if (opts.applyWebhook) {
          await opts.applyWebhook(app, msg);
        } else {
          throw new Error('this worker does not apply webhook events');
        }
      } catch (err) {
        log.error('message failed', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, error: err as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}
