import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, logEntry, type LoggedRequest, RollingLimit, type RunningServer, startServer, urlOf } from './kit';

/**
 * What the seed-003 list APIs (Pipedrive, WooCommerce, Stripe, Mailchimp, ActiveCampaign) share in a sandbox:
 * records per resource, a rolling request limit, auth, fault switches and a request log. Each vendor's file
 * says how it authenticates, filters, pages and words its errors.
 */
export type Row = Record<string, unknown> & { id: string | number };

export interface VendorReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface VendorRules {
  contentType: string;
  /** Whether the request carries the right credentials. */
  authorized(req: IncomingMessage, url: URL): boolean;
  unauthorized: VendorReply;
  /** The vendor's 429 (its body and headers; `retryAfter` in whole seconds). */
  tooMany(retryAfter: number): VendorReply;
  serverError(status: number): VendorReply;
  /** The resource a path lists (an empty one unless records were given), or undefined (404). */
  resource(path: string): string | undefined;
  /** Answers a list request from the resource's rows (in insertion order). */
  list(rows: Row[], q: URLSearchParams, url: URL): VendorReply;
  /** A 200 page that is not a valid page. */
  malformed: unknown;
}

export interface ListSandboxOptions {
  records: Record<string, Row[]>;
  perWindow?: number;
  windowMs?: number;
}

export interface ListSandbox extends RunningServer, FaultControls {
  requests: LoggedRequest[];
  rows(resource: string): Row[];
  /** Inserts or replaces a record (by id) and moves it to the end, as a change does. */
  setRecord(resource: string, row: Row): void;
}

export async function startListSandbox(rules: VendorRules, opts: ListSandboxOptions): Promise<ListSandbox> {
  const data = new Map(Object.entries(opts.records).map(([k, rows]) => [k, rows.map((r) => ({ ...r }))]));
  const limit = new RollingLimit(opts.perWindow ?? 1000, opts.windowMs ?? 1000);
  const faults = new Faults();
  const requests: LoggedRequest[] = [];
  const json = jsonSender(rules.contentType);
  const reply = (res: ServerResponse, r: VendorReply) => json(res, r.status ?? 200, r.body, r.headers);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    if (!rules.authorized(req, url)) return reply(res, rules.unauthorized);
    if (!limit.take()) return reply(res, rules.tooMany(limit.retryAfterSeconds()));
    const status = faults.take();
    if (status !== undefined) return reply(res, rules.serverError(status));
    const resource = rules.resource(url.pathname);
    if (!resource) return json(res, 404, { error: 'Not found' });
    if (faults.takeMalformed()) return json(res, 200, rules.malformed);
    return reply(res, rules.list(data.get(resource) ?? [], url.searchParams, url));
  };

  const server = await startServer(handle, (res, err) => json(res, 500, { error: err.message }), {
    onFinish: (req, res) => requests.push({ ...logEntry(req, res), authorization: req.headers.authorization }),
  });
  return {
    ...server,
    ...faults.controls(),
    requests,
    rows: (resource) => data.get(resource) ?? [],
    setRecord(resource, row) {
      const rows = (data.get(resource) ?? []).filter((r) => r.id !== row.id);
      data.set(resource, [...rows, { ...row }]);
    },
  };
}

/** `n` records of a resource, one a minute from `start`, made by `make(i, iso)`. */
export function rowsOf(n: number, make: (i: number, iso: string, ms: number) => Row, start = '2024-05-01T10:00:00Z'): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const ms = Date.parse(start) + i * 60_000;
    return make(i, new Date(ms).toISOString().slice(0, 19) + 'Z', ms);
  });
}
