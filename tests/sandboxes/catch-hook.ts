import { randomUUID } from 'node:crypto';
import { Faults, type FaultControls, jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A REST endpoint a flow writes to, shaped like a Zapier catch hook (`POST /hooks/catch/<account>/<hook>/` answers
 * 200 `{"attempt","id","request_id","status":"success"}`), plus `PUT|PATCH /contacts/<id>` for update targets.
 * A body that is not JSON or lacks `email` (when `requireEmail`) is a 400 `{"status":"error","message"}`.
 */
export interface CatchHook extends RunningServer, FaultControls {
  received: Array<{ method: string; path: string; body: Record<string, unknown> }>;
}

export async function startCatchHook(opts: { requireEmail?: boolean } = {}): Promise<CatchHook> {
  const send = jsonSender('application/json');
  const faults = new Faults();
  const received: CatchHook['received'] = [];
  const server = await startServer(
    async (req, res) => {
      const path = urlOf(req).pathname;
      const raw = await readBody(req);
      const status = faults.take();
      if (status !== undefined) return send(res, status, { status: 'error', message: 'try again later' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { status: 'error', message: 'body is not JSON' });
      }
      if (opts.requireEmail && !body.email) return send(res, 400, { status: 'error', message: 'email is required' });
      received.push({ method: req.method ?? '', path, body });
      const id = randomUUID();
      if (/^\/hooks\/catch\//.test(path) && req.method === 'POST') return send(res, 200, { attempt: id, id, request_id: id, status: 'success' });
      const m = /^\/contacts\/([^/]+)$/.exec(path);
      if (m && (req.method === 'PUT' || req.method === 'PATCH')) return send(res, 200, { data: { id: decodeURIComponent(m[1]) } });
      return send(res, 404, { status: 'error', message: 'not found' });
    },
    (res, err) => send(res, 500, { status: 'error', message: err.message }),
  );
  return { ...server, received, ...faults.controls() };
}
