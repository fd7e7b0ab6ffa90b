import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpEvent, HttpResult } from '../lambda-types';
import type { InvocationContext } from '../log';
import { staticSite } from './static';

const MAX_READ = 8 * 1024 * 1024;

/** Turns a Node request into the API Gateway HTTP API (payload 2.0) event Lambda would receive. */
export async function toHttpEvent(req: IncomingMessage): Promise<HttpEvent> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    // API Gateway refuses bodies over 10 MB itself; beyond our read cap the handler's 413 still applies.
    if (size <= MAX_READ) chunks.push(c as Buffer);
  }
  const body = Buffer.concat(chunks);
  // Split the request target as API Gateway does, without URL parsing: `//[` is a path, not a bad host.
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQueryString = q < 0 ? '' : target.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const isText = /json|text|xml|x-www-form-urlencoded/i.test(headers['content-type'] ?? 'application/json');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)),
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: { http: { method: req.method ?? 'GET', path: rawPath, sourceIp: req.socket.remoteAddress }, requestId: Math.random().toString(36).slice(2), timeEpoch: Date.now() },
  };
}

/**
 * Writes a streamed body as it is produced, pulling the next chunk only once the socket has taken the last
 * (so memory holds about one chunk whatever the size), and stops reading when the client goes away.
 */
async function writeStream(res: ServerResponse, chunks: AsyncIterable<string | Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => (res.off('drain', done), res.off('close', done), resolve());
        res.on('drain', done).on('close', done);
      });
  }
  res.end();
}

/**
 * The local HTTP front door: every request becomes an API Gateway event for the very same handler; with
 * `staticDir`, other GETs are the dashboard's files (what CloudFront serves from S3 in AWS).
 */
export async function serveHandler(handler: (e: HttpEvent, context?: InvocationContext) => Promise<HttpResult>, port: number, host = '127.0.0.1', staticDir?: string): Promise<{ server: Server; url: string }> {
  const site = staticDir ? staticSite(staticDir) : undefined;
  const server = createServer(async (req, res) => {
    try {
      const file = site?.(req.method ?? 'GET', (req.url ?? '/').split('?')[0]);
      if (file) {
        res.writeHead(file.status, file.headers);
        res.end(req.method === 'HEAD' ? undefined : file.body);
        return;
      }
      const event = await toHttpEvent(req);
      const result = await handler(event, { awsRequestId: event.requestContext.requestId, functionName: 'local-api' });
      res.writeHead(result.statusCode, result.headers ?? {});
      if (result.stream) return await writeStream(res, result.stream);
      res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    } catch {
      // Once the head is out, a failure can only cut the body short; the client sees an incomplete transfer.
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
