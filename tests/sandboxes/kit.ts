import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The mechanics every vendor sandbox shares: a node:http server on 127.0.0.1 port 0, request bodies and URLs,
 * JSON replies, a rolling-window request limit and fault injection. What makes a sandbox a given vendor (paths,
 * envelopes, error bodies, headers, auth forms) stays in its own file.
 */

/** A sandbox's request handler (what it returns is ignored); a thrown error or rejection goes to the sandbox's `onError`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Drops open (keep-alive) connections and stops listening; rejects when the server was not running. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Idle keep-alive sockets close after this many ms (node's default: 5 s). */
  keepAliveTimeout?: number;
  /** Called once each reply has been sent (the place to log the request with its status). */
  onFinish?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Starts `handler` on 127.0.0.1 with a free port.
 * @param onError answers a request whose handler threw, in the vendor's error form.
 * @example
 * const server = await startServer((req, res) => send(res, 200, { ok: true }), (res, err) => send(res, 500, { message: err.message }), {
 *   onFinish: (req, res) => requests.push({ path: urlOf(req).pathname, status: res.statusCode }),
 * });
 * await server.close();
 */
export async function startServer(handler: Handler, onError: (res: ServerResponse, err: Error) => void, options: ServerOptions = {}): Promise<RunningServer> {
  const { onFinish } = options;
  const server = createServer((req, res) => {
    if (onFinish) res.on('finish', () => onFinish(req, res));
    // Runs the handler synchronously; a sync throw and an async rejection both land in onError.
    (async () => handler(req, res))().catch((err: Error) => onError(res, err));
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The request's URL (path and query); the host part is a placeholder. */
export const urlOf = (req: IncomingMessage): URL => new URL(req.url ?? '/', 'http://sandbox');

/** What most sandboxes log of a request once it is answered. */
export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
  status: number;
  authorization?: string;
}

/** The request's path, query, answered status and Authorization header (for `onFinish`). */
export function logEntry(req: IncomingMessage, res: ServerResponse): LoggedRequest {
  const u = urlOf(req);
  return { path: u.pathname, query: u.searchParams, status: res.statusCode, authorization: req.headers.authorization };
}

/** The controls of a sandbox whose vendor issues access tokens through a refresh grant. */
export interface TokenControls {
  /** The access token currently accepted. */
  readonly accessToken: string;
  /** Refresh grants honoured so far. */
  readonly refreshCount: number;
  /** The current token stops working: the next data call gets the vendor's 401. */
  expireToken(): void;
  /** The token endpoint refuses refreshes with the vendor's error (`false`: honours them again). */
  failRefresh(on?: boolean): void;
}

/** The whole request body as UTF-8 text ('' when there is none). */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBuffer(req)).toString('utf8');
}

/** The request's body as bytes (a multipart upload). */
export async function readBuffer(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Writes a reply: `body` as JSON, a string as it is (for malformed pages), `undefined` as no body and no content type. */
export type Send = (res: ServerResponse, status: number, body?: unknown, headers?: Record<string, string>) => void;

/**
 * A JSON reply writer with the vendor's own `content-type` (vendors differ in case and charset); `headers` are added.
 * @example
 * const send = jsonSender('application/json; charset=utf-8');
 * send(res, 429, { message: 'Too Many Requests' }, { 'retry-after': '5' });
 */
export function jsonSender(contentType: string): Send {
  return (res, status, body, headers = {}) => {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/**
 * A rolling-window request limit: at most `max` requests in any `windowMs`.
 * @example
 * const limit = new RollingLimit(60, 60_000);
 * if (!limit.take()) return send(res, 429, body, { 'retry-after': String(limit.retryAfterSeconds()) });
 */
export class RollingLimit {
  private readonly starts: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts a request at `now`, unless the window is already full: then it counts nothing and answers false. */
  take(now = Date.now()): boolean {
    while (this.starts.length && this.starts[0] <= now - this.windowMs) this.starts.shift();
    if (this.starts.length >= this.max) return false;
    this.starts.push(now);
    return true;
  }

  /** Requests still allowed in the current window. */
  get remaining(): number {
    return Math.max(0, this.max - this.starts.length);
  }

  /** Whole seconds (at least 1) until the oldest counted request leaves the window. */
  retryAfterSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil(((this.starts[0] ?? now) + this.windowMs - now) / 1000));
  }
}

/** A sandbox's fault switches, each replacing what is pending. */
export interface FaultControls {
  /** The next `count` data calls answer `status` (default 500) with the vendor's error body. */
  failNext(count: number, status?: number): void;
  /** The next `count` data calls answer 200 with a body that is not a valid page. */
  malformedNext(count: number): void;
}

/**
 * Injected faults: failures (a status, or whatever a sandbox needs to describe one) and malformed pages, each
 * used up by the request that answers with it. `set*` replaces what is pending (sandboxes whose
 * `failNext(count, status)` means "the last call wins"); `add*` queues behind it.
 * @example
 * const faults = new Faults();
 * faults.set(503, 2);
 * const status = faults.take(); // 503, then 503, then undefined
 */
export class Faults<F = number> {
  private pending: F[] = [];
  private malformed = 0;

  /** The next `n` requests fail with `fault`; faults still pending are dropped. */
  set(fault: F, n: number): void {
    this.pending = Array.from({ length: n }, () => fault);
  }

  /** `n` more requests fail with `fault`, after those still pending. */
  add(fault: F, n = 1): void {
    for (let i = 0; i < n; i++) this.pending.push(fault);
  }

  /** The fault this request answers with, if one is pending. */
  take(): F | undefined {
    return this.pending.shift();
  }

  /** The next `n` pages are malformed (`Infinity`: until set back to 0); replaces what is pending. */
  setMalformed(n: number): void {
    this.malformed = n;
  }

  /** `n` more pages are malformed. */
  addMalformed(n = 1): void {
    this.malformed += n;
  }

  /** Whether this page is malformed (using one up). */
  takeMalformed(): boolean {
    if (this.malformed <= 0) return false;
    this.malformed--;
    return true;
  }

  /**
   * The switches most sandboxes hand their tests, to spread into the sandbox:
   * `failNext(count, status = 500)` and `malformedNext(count)`, each replacing what is pending.
   */
  controls(this: Faults<number>): FaultControls {
    return {
      failNext: (count, status = 500) => this.set(status, count),
      malformedNext: (count) => this.setMalformed(count),
    };
  }
}
