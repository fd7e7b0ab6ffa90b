import type * as z from 'zod';
import { SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import type { DatadogActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';

type DatadogAction = z.infer<typeof DatadogActionSchema>;

/** v2 series metric types. https://docs.datadoghq.com/api/latest/metrics/#submit-metrics */
export const METRIC_TYPES = { count: 1, rate: 2, gauge: 3 } as const;

export interface Series {
  metric: string;
  type: number;
  points: Array<{ timestamp: number; value: number }>;
  tags: string[];
}

/**
 * A Datadog 429 carries no Retry-After but `X-RateLimit-Reset`, seconds until the window reopens: a retryable
 * fault timed by it, so the client waits exactly that long (within its budget). https://docs.datadoghq.com/api/latest/rate-limits/
 */
function rateLimitReset(status: number, _body: unknown, headers: Record<string, string>): SourceError | undefined {
  const reset = Number(headers['x-ratelimit-reset']);
  if (status !== 429 || !headers['x-ratelimit-reset'] || !Number.isFinite(reset) || reset < 0) return undefined;
  return new SourceError('rate_limited', 'Rate Limit Exceeded: datadog POST /api/v2/series answered 429', { status, retryable: true, retryAt: Date.now() + reset * 1000 });
}

/** `POST /api/v2/series` → 202 `{errors: []}`; 403 (a key of another site), 400 and 413 are final, 429 waits. */
export async function submitSeries(http: HttpClient, series: Series[]): Promise<void> {
  await http.request({ method: 'POST', url: '/api/v2/series', body: { series }, stream: 'metrics', fault: rateLimitReset });
}

/** One point per record (its `value`, 1 by default) at the time it is sent (Datadog keeps points up to an hour old). */
export const datadogSender: ActionSender<DatadogAction> = {
  type: 'datadog',
  async send(ctx, action, f) {
    const raw = f.value ?? 1;
    const value = typeof raw === 'number' ? raw : Number(str(raw));
    if (!Number.isFinite(value)) return { status: 'failed', reason: `value ${JSON.stringify(raw)} is not a number`, retryable: false };
    const tags = Array.isArray(f.tags) ? f.tags.map((t) => String(t)) : [];
    try {
      await submitSeries(ctx.http, [{ metric: action.metric, type: METRIC_TYPES[action.metricType], points: [{ timestamp: Math.floor(ctx.now() / 1000), value }], tags }]);
      return { status: 'sent' };
    } catch (err) {
      return failure(err);
    }
  },
};
