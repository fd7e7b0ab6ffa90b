import { AppError } from '../errors';
import { TestConnectionInvocationSchema, type TestConnectionAnswer, type TestConnectionInvocation } from '../invoke/types';
import type { LambdaContext, SQSBatchResponse, SQSEvent } from '../lambda-types';
import { withInvocation } from '../log';
import type { App } from '../services/app';
import { testConnection } from '../services/connection-test';

/** A worker as Lambda calls it: from its queue, or directly by the testConnection function. */
export interface WorkerHandler {
  (event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse>;
  (event: TestConnectionInvocation, context?: LambdaContext): Promise<TestConnectionAnswer>;
}

/**
 * A queue handler that also answers a direct invocation with the connection test of the integration named: the
 * worker carries the connector's code, drivers and kms:Decrypt, so the HTTP side needs none of them. An exposed
 * error (the integration gone meanwhile) is answered for the route to reply; anything else throws, as Lambda reports it.
 */
export function withConnectionTests(getApp: () => App, queued: (event: SQSEvent, context: LambdaContext) => Promise<SQSBatchResponse>): WorkerHandler {
  return withInvocation(async (event: unknown, context: LambdaContext) => {
    if (typeof event === 'object' && event !== null && 'Records' in event) return queued(event as SQSEvent, context);
    const { tenantId, integrationId } = TestConnectionInvocationSchema.parse(event);
    try {
      return { result: await testConnection(getApp(), tenantId, integrationId) };
    } catch (err) {
      if (err instanceof AppError && err.expose) return { error: { code: err.code, message: err.message, status: err.statusCode } };
      throw err;
    }
  }) as WorkerHandler;
}
