import { jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake Datadog API (shared/api-facts/datadog.md): `DD-API-KEY` on every call (403 `{"errors":["Forbidden"]}`
 * otherwise); `GET /api/v1/validate` → `{"valid": true}`; `POST /api/v2/series` → 202 `{"errors": []}` for
 * numeric points whose timestamps are POSIX seconds, 400 `{"errors": [...]}` for a body that is not a series
 * payload; 429 `{"errors":["Too many requests"]}` with `X-RateLimit-*` headers (Datadog sends no Retry-After).
 */
export interface DatadogSeries {
  metric: string;
  type?: number;
  points: Array<{ timestamp: number; value: number }>;
  tags?: string[];
  interval?: number;
}

export interface DatadogSandbox extends RunningServer {
  series: DatadogSeries[];
  statuses: number[];
  /** The next `n` intake calls answer 429. */
  rateLimitNext(n: number): void;
}

export async function startDatadogSandbox(opts: { apiKey: string }): Promise<DatadogSandbox> {
  const send = jsonSender('application/json');
  const series: DatadogSeries[] = [];
  const statuses: number[] = [];
  let limited = 0;
  const server = await startServer(
    async (req, res) => {
      const url = urlOf(req);
      const raw = await readBody(req);
      const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
        statuses.push(status);
        send(res, status, body, headers);
      };
      if (req.headers['dd-api-key'] !== opts.apiKey) return reply(403, { errors: ['Forbidden'] });
      if (req.method === 'GET' && url.pathname === '/api/v1/validate') return reply(200, { valid: true });
      if (req.method !== 'POST' || url.pathname !== '/api/v2/series') return reply(404, { errors: ['Not found'] });
      if (limited > 0) {
        limited--;
        return reply(429, { errors: ['Too many requests'] }, { 'x-ratelimit-limit': '100', 'x-ratelimit-period': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' });
      }
      let body: { series?: DatadogSeries[] };
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(400, { errors: ['Unable to decompress payload'] });
      }
      const bad = !Array.isArray(body.series) || body.series.some((s) => typeof s.metric !== 'string' || !Array.isArray(s.points) || s.points.some((p) => !Number.isInteger(p.timestamp) || typeof p.value !== 'number'));
      if (bad) return reply(400, { errors: ['Payload is not in the expected format: series[].metric, points[{timestamp: int, value: number}]'] });
      series.push(...body.series!);
      reply(202, { errors: [] });
    },
    (res, err) => send(res, 500, { errors: [err.message] }),
  );
  return { ...server, series, statuses, rateLimitNext: (n) => void (limited = n) };
}
