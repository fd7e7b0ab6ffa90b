import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
  url: string;
}

/** A reply with the receiver's own headers and text body (Slack: `Retry-After`, `channel_is_archived`). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A local webhook receiver on 127.0.0.1, port 0. `respond` decides each reply from the request number (0-based);
 * returning 'hang' leaves the request open until close().
 */
export async function startReceiver(
  respond: (n: number, req: Received) => number | Reply | 'hang',
): Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const open: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? '' };
      const n = received.push(r) - 1;
      const status = respond(n, r);
      if (status === 'hang') {
        open.push(res);
        return;
      }
      const reply = typeof status === 'number' ? { status } : status;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? (reply.status < 300 ? 'ok' : 'nope'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
