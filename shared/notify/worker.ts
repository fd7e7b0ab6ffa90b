import type { LambdaContext, SQSBatchResponse, SQSEvent } from '../lambda-types';
import { createLogger, withInvocation } from '../log';
import { eachMessage } from '../queue/batch';
import { NotifyMessageSchema } from '../queue/types';
import type { App } from '../services/app';
import type { DeliveryOptions } from './deliver';
import { deliverNotification } from './service';

const log = createLogger({ component: 'notify-worker' });

/**
 * The SQS handler of the notifications queue: each message is one event for one channel. A failed delivery is
 * logged, not thrown; a message that throws (store, KMS) is redelivered by SQS with the same delivery id.
 */
export function notifyWorkerHandler(getApp: () => App, opts: DeliveryOptions = {}) {
  return withInvocation((event: SQSEvent, _context?: LambdaContext): Promise<SQSBatchResponse> =>
    eachMessage(event, log, (body) => deliverNotification(getApp(), NotifyMessageSchema.parse(body), opts)),
  );
}
