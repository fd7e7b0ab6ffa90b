import type { SQSBatchResponse, SQSEvent } from '../lambda-types';
import type { Logger } from '../log';

/**
 * Handles an SQS batch message by message: a message whose handler throws is reported as a batch item failure,
 * so SQS redelivers it (dead-letter after 5 receives) while the rest of the batch is acknowledged.
 */
export async function eachMessage(event: SQSEvent, log: Logger, handle: (body: unknown) => Promise<unknown>): Promise<SQSBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      await handle(JSON.parse(record.body));
    } catch (err) {
      log.error('message failed', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, error: err as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
