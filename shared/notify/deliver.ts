import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { UndeliverableUrlError } from '../http/errors';
import type { NotificationEvent } from './events';
import { signSwitchboard } from './sign';
import { type DeliverableTarget, type LookupAll, assertDeliverableUrl } from '../http/ssrf';
import { safeLogUrl } from './url';

export interface DeliveryAttempt {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** A stable code (timeout, ECONNREFUSED, undeliverable_url, …); never a URL or secret. */
  error?: string;
  /** ISO time the attempt started. */
  at: string;
}

export interface DeliveryLog {
  /** The target with query, userinfo and token-like path segments removed. */
  url: string;
  event: string;
  /** Same on every attempt, so receivers can dedupe retries. */
  deliveryId: string;
  attempts: DeliveryAttempt[];
  outcome: 'delivered' | 'failed';
}

export interface DeliveryOptions {
  /** Allow loopback targets (local stack, tests). Private and link-local targets are always refused. */
  allowLoopback?: boolean;
  /** Total attempts, first one included. Default 3. */
  attempts?: number;
  /** Per-attempt timeout (connect, headers, body). Default 5 s. */
  timeoutMs?: number;
  /** First backoff; doubles each retry. Default 1 s. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  lookup?: LookupAll;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Pins every connection to the vetted address: the socket never asks DNS again (no rebinding window). */
function pinnedLookup(target: DeliverableTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean } | undefined, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

type AttemptResult = { status: number } | { error: string; retryable: boolean };

function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  if (e?.code === 'UND_ERR_CONNECT_TIMEOUT' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return e?.code ?? e?.name ?? 'network_error';
}

async function attemptOnce(url: string, body: string, headers: Record<string, string>, opts: DeliveryOptions): Promise<AttemptResult> {
  let target: DeliverableTarget;
  try {
    target = await assertDeliverableUrl(url, { allowLoopback: opts.allowLoopback, lookup: opts.lookup });
  } catch (err) {
    if (err instanceof UndeliverableUrlError) return { error: err.code, retryable: err.retryable };
    throw err;
  }
  const timeoutMs = opts.timeoutMs ?? 5000;
  // One agent per attempt: the pinned address belongs to this attempt's DNS answer only.
  const agent = new Agent({
    connect: { lookup: pinnedLookup(target), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 0,
  });
  try {
    const res = await request(target.url, {
      method: 'POST',
      body,
      headers,
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    return { status: res.statusCode };
  } catch (err) {
    return { error: errorCode(err), retryable: true };
  } finally {
    agent.destroy().catch(() => undefined);
  }
}

/** 5xx, 408 and 429 may pass on a later try; any other non-2xx (4xx, and 3xx: redirects are not followed) is final. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * POSTs `body` with up to `attempts` tries and exponential backoff, re-checking the target each time.
 * `headersFor` is called per attempt so a signature can carry a fresh timestamp.
 */
export async function deliverJson(input: {
  url: string;
  event: string;
  body: string;
  deliveryId?: string;
  headersFor?: (nowMs: number) => Record<string, string>;
  options?: DeliveryOptions;
}): Promise<DeliveryLog> {
  const opts = input.options ?? {};
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const max = Math.max(1, opts.attempts ?? 3);
  const log: DeliveryLog = {
    url: safeLogUrl(input.url),
    event: input.event,
    deliveryId: input.deliveryId ?? randomUUID(),
    attempts: [],
    outcome: 'failed',
  };

  for (let i = 0; i < max; i++) {
    if (i > 0) await sleep(Math.min(30_000, (opts.backoffMs ?? 1000) * 2 ** (i - 1)));
    const startedAt = now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Switchboard-Notifier/1',
      ...input.headersFor?.(startedAt),
    };
    const result = await attemptOnce(input.url, input.body, headers, opts);
    const at = new Date(startedAt).toISOString();
    if ('status' in result) {
      log.attempts.push({ status: result.status, at });
      if (result.status >= 200 && result.status < 300) {
        log.outcome = 'delivered';
        return log;
      }
      if (!retryableStatus(result.status)) return log;
    } else {
      log.attempts.push({ error: result.error, at });
      if (!result.retryable) return log;
    }
  }
  return log;
}

/**
 * Delivers one signed webhook notification. Body: `{ id, event, createdAt, data }`; headers
 * X-Switchboard-Event, X-Switchboard-Delivery and the signature pair from sign.ts.
 * @example const log = await deliverWebhook({ url: ch.url, secret: ch.secret, event: 'run.failed', payload });
 */
export async function deliverWebhook(input: {
  url: string;
  secret: string;
  event: NotificationEvent;
  payload: unknown;
  deliveryId?: string;
} & DeliveryOptions): Promise<DeliveryLog> {
  const { url, secret, event, payload, deliveryId = randomUUID(), ...options } = input;
  const now = options.now ?? Date.now;
  const body = JSON.stringify({ id: deliveryId, event, createdAt: new Date(now()).toISOString(), data: payload });
  return deliverJson({
    url,
    event,
    body,
    deliveryId,
    headersFor: (nowMs) => ({
      'x-switchboard-event': event,
      'x-switchboard-delivery': deliveryId,
      ...signSwitchboard(secret, body, nowMs),
    }),
    options,
  });
}
