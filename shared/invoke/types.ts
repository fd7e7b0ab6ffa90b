import * as z from 'zod';
import { AppError } from '../errors';
import { createLogger } from '../log';

const log = createLogger({ component: 'invoke' });

/** Calls another function of the stack and waits for its answer (Lambda's RequestResponse). */
export interface Invoker {
  /**
   * `fn` is the function's key in serverless.yml (`workerHubspot`). Resolves its JSON answer; throws
   * workerUnavailable when there is none (no such function, throttled, timed out, or its handler threw).
   */
  invoke(fn: string, payload: unknown): Promise<unknown>;
}

/** The serverless.yml key of the worker of a connector type or queue (resources/lib.js names it with this): `google_sheets` → `workerGoogleSheets`. */
export const workerFunction = (type: string): string =>
  `worker${type
    .split(/[_-]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')}`;

/**
 * An exposed 502 (API_ERRORS) with a fixed message: why the function did not answer is logged here, never
 * answered. `reason` names the failure's kind only (an SDK error's name, Lambda's FunctionError and the error's
 * type): a worker's message may quote what it was handling.
 */
export function workerUnavailable(fn: string, reason: string, cause?: unknown): AppError {
  log.error('invoke failed', { function: fn, reason });
  return new AppError('worker_unavailable', 'The worker that runs this did not answer; try again shortly.', 502, undefined, { cause });
}

/** What the testConnection function asks a worker (shared/handlers/worker.ts answers it). */
export const TestConnectionInvocationSchema = z.strictObject({
  kind: z.literal('testConnection'),
  tenantId: z.string().min(1),
  integrationId: z.string().min(1),
});
export type TestConnectionInvocation = z.infer<typeof TestConnectionInvocationSchema>;

/** The worker's answer: the outcome (its message scrubbed of secrets), or the exposed error the route answers instead. */
export const TestConnectionAnswerSchema = z.union([
  z.strictObject({ result: z.strictObject({ ok: z.boolean(), message: z.string(), latencyMs: z.number() }) }),
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string(), status: z.number().int() }) }),
]);
export type TestConnectionAnswer = z.infer<typeof TestConnectionAnswerSchema>;
