import { randomUUID } from 'node:crypto';
import type { LambdaContext } from '../lambda-types';
import { type Invoker, workerUnavailable } from './types';

export type LocalFunction = (event: never, context: LambdaContext) => Promise<unknown>;

/** Lambda's timeout for the workers this calls (resources/lib.js DEFAULT_TIMEOUT_S). */
const TIMEOUT_MS = 900_000;

/**
 * The local stack's and tests' functions, called in process with what crosses Lambda's wire (JSON both ways),
 * failing as Lambda would: a key with no function, or a handler that throws, is workerUnavailable.
 */
export class LocalInvoker implements Invoker {
  constructor(private readonly functions: ReadonlyMap<string, LocalFunction>) {}

  async invoke(fn: string, payload: unknown): Promise<unknown> {
    const handler = this.functions.get(fn);
    if (!handler) throw workerUnavailable(fn, 'ResourceNotFoundException');
    const deadline = Date.now() + TIMEOUT_MS;
    try {
      const answer = await handler(JSON.parse(JSON.stringify(payload)) as never, { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: randomUUID(), functionName: fn });
      return JSON.parse(JSON.stringify(answer ?? null));
    } catch (err) {
      throw workerUnavailable(fn, `Unhandled: ${(err as Error)?.name ?? typeof err}`, err);
    }
  }
}
