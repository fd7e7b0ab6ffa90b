import { AppError } from './errors';

/**
 * The one retry/backoff helper: the HTTP client, the store's batch calls, the SQS sender, notification
 * delivery and the Athena runner all wait through it, each with its own base and ceiling.
 */
export type Sleep = (ms: number) => Promise<void>;

export const defaultSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** Full jitter (a random wait in [0, delay]) spreads retries of many callers apart; default true. */
  jitter?: boolean;
}

/** The wait before retry `attempt` (0 = the first retry): min(max, base·factor^attempt), fully jittered unless told not to. */
export function backoffMs(attempt: number, b: Backoff, random: () => number = Math.random): number {
  const delay = Math.min(b.maxMs, b.baseMs * (b.factor ?? 2) ** attempt);
  return b.jitter === false ? delay : random() * delay;
}

/**
 * Sends `items` with `send` (which answers the items it could not take) until none are left, sleeping a
 * backoff between tries; after `attempts` tries the rest fails loudly: nothing is dropped silently.
 */
export async function drainWithRetries<T>(
  items: T[],
  send: (pending: T[]) => Promise<T[]>,
  opts: { backoff: Backoff; attempts: number; sleep?: Sleep; what: string },
): Promise<void> {
  let pending = items;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt >= opts.attempts) throw new AppError('unprocessed_items', `${opts.what} left ${pending.length} items unprocessed after ${attempt} attempts`);
    if (attempt) await (opts.sleep ?? defaultSleep)(backoffMs(attempt, opts.backoff));
    pending = await send(pending);
  }
}
