import { config } from '../config';
import type { LambdaContext, SQSBatchResponse, SQSEvent } from '../lambda-types';
import { createLogger, withInvocation } from '../log';
import { eachMessage } from '../queue/batch';
import { FlowMessageSchema } from '../queue/types';
import type { App } from '../services/app';
import { putBack } from './actions';
import { sendDailyReport } from './daily-report';
import { executeFlowRun, type FlowRunnerOptions } from './runner';

const log = createLogger({ component: 'flow-worker' });

/**
 * The SQS handler of the flow worker: each message is one flow run (or one flow's daily report). A message that throws is reported as a
 * batch item failure, so SQS redelivers it (dead-letter after 5 receives); running it again is safe (the ledger).
 */
export function flowWorkerHandler(getApp: () => App, opts: FlowRunnerOptions = {}) {
  return withInvocation((event: SQSEvent, context?: LambdaContext): Promise<SQSBatchResponse> =>
    eachMessage(event, log, (body) => {
      const msg = FlowMessageSchema.parse(body);
      if (msg.kind === 'daily-report') return sendDailyReport(getApp(), msg, opts.report);
      // A long run hands itself on to a fresh invocation before Lambda's timeout instead of being cut off.
      const time = context ? { remainingMs: () => context.getRemainingTimeInMillis(), safetyMarginMs: config().SYNC_SAFETY_MARGIN_S * 1000 } : {};
      return msg.notBefore !== undefined && msg.notBefore > Date.now() ? putBack(getApp(), msg) : executeFlowRun(getApp(), msg, { ...time, ...opts });
    }),
  );
}
