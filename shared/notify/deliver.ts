import { randomUUID } from 'node:crypto';
import type { Sleep } from '../backoff';
import { SourceError } from '../errors';
import { HttpClient } from '../http/client';
import type { LookupAll } from '../http/ssrf';
import type { NotificationEvent } from './events';
import { signSwitchboard } from './sign';
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
  /** Why a receiver refused for good, when it said (Slack: `no_service`, `channel_is_archived`). */
  reason?: string;
}

export interface DeliveryOptions {
  /** Allow loopback targets (local stack, tests). Private and link-local targets are always refused. */
  allowLoopback?: boolean;
  /** Total attempts at 5xx/408/network failures, first one included. Default 3. 429s are budgeted by time instead. */
  attempts?: number;
  /** Per-attempt timeout (headers, body). Default 5 s. */
  timeoutMs?: number;
  /** First backoff after a failure; doubles each retry. Default 1 s. */
  backoffMs?: number;
  /** The most a delivery waits out a receiver's 429s (Retry-After). Default 30 s: a slow receiver never holds the worker long. */
  rateLimitBudgetMs?: number;
  sleep?: Sleep;
  now?: () => number;
  lookup?: LookupAll;
}

/** 2xx is delivered; 5xx, 408, 429 and network errors are retried; any other status (4xx, 3xx: redirects are not followed) is final. */
const FINAL_STATUSES = Array.from({ length: 200 }, (_, i) => 300 + i).filter((s) => s !== 408 && s !== 429);

/**
 * POSTs `body` through the one outbound client (the guarded agent, retries with backoff, Retry-After honoured
 * within a bounded budget), logging every attempt. `headersFor` is called per attempt so a signature carries
 * a fresh timestamp. A final refusal's reason is kept when the receiver says one (Slack: `channel_is_archived`).
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
  const log: DeliveryLog = {
    url: safeLogUrl(input.url),
    event: input.event,
    deliveryId: input.deliveryId ?? randomUUID(),
    attempts: [],
    outcome: 'failed',
  };
  const client = new HttpClient({
    connector: 'notification',
    integrationId: log.deliveryId,
    timeoutMs: opts.timeoutMs ?? 5000,
    retry: {
      maxRetries: Math.max(1, opts.attempts ?? 3) - 1,
      baseMs: opts.backoffMs ?? 1000,
      maxMs: 30_000,
      jitter: false,
      rateLimitBudgetMs: opts.rateLimitBudgetMs ?? 30_000,
    },
    auth: { apply: (headers) => void Object.assign(headers, input.headersFor?.(now())) },
    headers: { 'content-type': 'application/json', 'user-agent': 'Switchboard-Notifier/1' },
    target: { allowLoopback: opts.allowLoopback ?? false, lookup: opts.lookup },
    onAttempt: (a) => log.attempts.push({ ...(a.status !== undefined ? { status: a.status } : { error: a.error }), at: new Date(a.at).toISOString() }),
    now,
    sleep: opts.sleep,
  });
  try {
    const res = await client.request({ method: 'POST', url: input.url, body: input.body, okStatuses: FINAL_STATUSES });
    if (res.status < 300) log.outcome = 'delivered';
    else if (typeof res.body === 'string' && /^[a-z_]{3,64}$/.test(res.body.trim())) log.reason = res.body.trim();
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
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
