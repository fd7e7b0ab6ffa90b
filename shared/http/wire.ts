import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { AppError } from '../errors';

/*
 * HTTP/1.1 on node:http(s). It replaced undici (288 KB of every bundle even trimmed to three files, most of a
 * worker's cold start): what the client needs of it, keep-alive pools whose sockets resolve through our lookup
 * (the SSRF guard, agent.ts), timeouts and streamed bodies both ways, node has. Node's own fetch is undici
 * too, but takes no lookup of ours.
 */

/** Keep-alive pools for one lookup: 16 sockets per origin, an idle socket closed after 30 s. */
export interface Pools {
  http: HttpAgent;
  https: HttpsAgent;
}

export function pools(lookup: LookupFunction): Pools {
  const opts = { keepAlive: true, maxSockets: 16, timeout: 30_000, lookup };
  return { http: new HttpAgent(opts), https: new HttpsAgent(opts) };
}

/** No answer, or a stalled body, within the request's time: retried like a dropped connection (its code is the socket's). */
export class WireTimeoutError extends AppError {
  constructor(message: string) {
    super('ETIMEDOUT', message, 504);
  }
}

export interface WireResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body, unread: a stream for a download, or read whole with `text`. */
  body: Readable;
}

/** One request through `pools`; resolves at the response's headers. A string body is sent with its length, a stream chunked. */
export function request(
  url: URL,
  opts: { method: string; headers: Record<string, string>; body?: string | Readable; pools: Pools; headersTimeout: number; bodyTimeout: number },
): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const { body } = opts;
    const headers = typeof body === 'string' ? { ...opts.headers, 'content-length': String(Buffer.byteLength(body)) } : opts.headers;
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(url, { method: opts.method, headers, agent: https ? opts.pools.https : opts.pools.http });
    const headersTimer = setTimeout(() => req.destroy(new WireTimeoutError(`${opts.method} ${url.origin}: no answer within ${opts.headersTimeout} ms`)), opts.headersTimeout);
    req.once('error', (err) => {
      clearTimeout(headersTimer);
      reject(err);
    });
    req.once('response', (res) => {
      clearTimeout(headersTimer);
      res.setTimeout(opts.bodyTimeout, () => res.destroy(new WireTimeoutError(`${opts.method} ${url.origin}: the body stalled for ${opts.bodyTimeout} ms`)));
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    if (body === undefined || typeof body === 'string') req.end(body);
    else {
      // Not stream.pipeline: it aborts a request (a 'socket hang up'), which would hide the body's own error.
      body.once('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

/** A response body read whole, as UTF-8 (Node's own consumer). */
export { text } from 'node:stream/consumers';
