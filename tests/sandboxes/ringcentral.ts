import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, RollingLimit, type RunningServer, startServer, type TokenControls, urlOf } from './kit';

/**
 * A fake RingCentral platform: the company and extension call logs with their `records` / `navigation` /
 * `paging` envelope (newest first, `dateFrom` defaulting to 24 h ago, `perPage` clamped to 1,000,
 * `navigation.nextPage.uri` an absolute link while more pages exist, totals absent as in production), the
 * Detailed view's extra fields, `X-Rate-Limit-*` headers of the Heavy group and its 429 CMN-301 with
 * Retry-After past the per-minute limit, 401 OAU-213 for a bad token, and the refresh-token grant with
 * HTTP Basic client credentials that rotates the refresh token. Switches for 5xx and malformed pages.
 * https://developers.ringcentral.com/guide/voice/call-log/api
 */

export type RcCall = Record<string, unknown> & { id: string; startTime: string; duration: number };

export interface RingCentralSandboxOptions {
  accessToken: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  calls?: RcCall[];
  /** Largest page served (RingCentral: 1,000). */
  maxPerPage?: number;
  /** Heavy group: 10 requests a minute. */
  perMinute?: number;
  windowMs?: number;
  /** Retry-After sent with a 429 (RingCentral: the 60 s penalty); null sends none. */
  retryAfterSeconds?: number | null;
}

export interface RecordedRcRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  authorization?: string;
  body?: string;
  at: number;
}

export interface RingCentralSandbox extends RunningServer, FaultControls, TokenControls {
  requests: RecordedRcRequest[];
  readonly refreshToken: string | undefined;
  /** Requests that came before the Retry-After of a 429 had passed. */
  readonly earlyRetries: number;
  calls: RcCall[];
  addCall(call: RcCall): void;
  /**
   * Media content (a recording's `contentUri`, a voicemail attachment's `uri`) served at `path` with the API's
   * bearer token, as RingCentral's media server does; returns the absolute URI.
   */
  addMedia(path: string, bytes: Buffer, contentType?: string): string;
  /** A message-store record (a voicemail) at `path` whose AudioRecording attachment is served at `contentPath`. */
  addVoicemail(path: string, contentPath: string, bytes: Buffer, contentType?: string): string;
}

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov'];
const RESULTS = ['Accepted', 'Missed', 'Voicemail', 'Accepted', 'Call connected'];

/** One realistic call (Detailed view), `i` picks its result, direction and media. */
export function makeCall(i: number, startMs: number): RcCall {
  const result = RESULTS[i % RESULTS.length];
  const inbound = i % 5 !== 4;
  const caller = { phoneNumber: `+1415555${String(1000 + i).slice(-4)}`, name: NAMES[i % NAMES.length], location: 'San Francisco, CA' };
  const us = { phoneNumber: '+16505550100', extensionNumber: '101', name: 'Reception' };
  const id = `Y${(0x5a3c00 + i).toString(36).toUpperCase()}rcLog${i}`;
  const sessionId = String(13916417004 + i);
  const duration = result === 'Missed' ? 0 : 30 + i * 7;
  const startTime = new Date(startMs).toISOString();
  const call: RcCall = {
    uri: `https://platform.ringcentral.com/restapi/v1.0/account/37439510/call-log/${id}?view=Detailed`,
    id,
    sessionId,
    telephonySessionId: `s-a0d7${sessionId}`,
    startTime,
    duration,
    type: 'Voice',
    internalType: 'Local',
    direction: inbound ? 'Inbound' : 'Outbound',
    action: inbound ? 'Phone Call' : 'VoIP Call',
    result,
    reason: result === 'Accepted' || result === 'Call connected' ? 'Accepted' : 'Missed',
    from: inbound ? caller : us,
    to: inbound ? us : caller,
    extension: { uri: 'https://platform.ringcentral.com/restapi/v1.0/account/37439510/extension/62264425', id: 62264425 },
    transport: 'PSTN',
    lastModifiedTime: new Date(startMs + duration * 1000 + 5000).toISOString(),
    billing: { costIncluded: 0, costPurchased: 0 },
    legs: [{ startTime, duration, type: 'Voice', direction: inbound ? 'Inbound' : 'Outbound', action: 'Phone Call', result, legType: 'Accept', master: true }],
  };
  if (result === 'Accepted' && i % 2 === 0) {
    call.recording = {
      uri: `https://platform.ringcentral.com/restapi/v1.0/account/37439510/recording/${1662272004 + i}`,
      id: String(1662272004 + i),
      type: 'Automatic',
      contentUri: `https://media.ringcentral.com/restapi/v1.0/account/37439510/recording/${1662272004 + i}/content`,
    };
  }
  if (result === 'Voicemail') {
    call.message = { id: String(8016524004 + i), type: 'VoiceMail', uri: `https://platform.ringcentral.com/restapi/v1.0/account/37439510/extension/62264425/message-store/${8016524004 + i}` };
  }
  return call;
}

/** `n` calls, `spacingMs` apart, the newest at `newestMs`. */
export function makeCalls(n: number, newestMs: number, spacingMs = 3 * 3_600_000): RcCall[] {
  return Array.from({ length: n }, (_, i) => makeCall(i, newestMs - (n - 1 - i) * spacingMs));
}

const DETAILED_ONLY = ['legs', 'transport', 'billing', 'lastModifiedTime', 'internalType'];

export async function startRingCentralSandbox(opts: RingCentralSandboxOptions): Promise<RingCentralSandbox> {
  const calls = (opts.calls ?? []).map((c) => ({ ...c }));
  const maxPerPage = opts.maxPerPage ?? 1000;
  const limit = new RollingLimit(opts.perMinute ?? 10, opts.windowMs ?? 60_000);
  const retryAfter = opts.retryAfterSeconds === undefined ? 60 : opts.retryAfterSeconds;
  let token = opts.accessToken;
  let refresh = opts.refreshToken;
  let seq = 0;
  let refreshCount = 0;
  let refreshFails = false;
  const faults = new Faults();
  let blockedUntil = 0;
  let earlyRetries = 0;
  const requests: RecordedRcRequest[] = [];
  const media = new Map<string, { bytes: Buffer; contentType: string }>();
  const messages = new Map<string, Record<string, unknown>>();
  const send = jsonSender('application/json; charset=UTF-8');
  const apiError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { errorCode: code.startsWith('OAU') ? 'TokenInvalid' : code, message, errors: [{ errorCode: code, message }] }, headers);

  const handleToken = (req: IncomingMessage, body: string, res: ServerResponse) => {
    const form = new URLSearchParams(body);
    const basic = 'Basic ' + Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    const clientOk = opts.clientSecret ? req.headers.authorization === basic : form.get('client_id') === opts.clientId;
    if (!clientOk) return send(res, 401, { error: 'invalid_client', errors: [{ errorCode: 'OAU-123', message: 'Client authentication is required' }], error_description: 'Client authentication is required' });
    if (refreshFails || form.get('grant_type') !== 'refresh_token' || !refresh || form.get('refresh_token') !== refresh) {
      return send(res, 400, { error: 'invalid_grant', errors: [{ errorCode: 'OAU-211', message: 'Token is revoked' }], error_description: 'Token is revoked' });
    }
    refreshCount++;
    seq++;
    token = `U0pDMTFQMDFQQVMwMHxBQUJ${seq}rc-access`;
    refresh = `U0pDMTFQMDFQQVMwMHxBQUJ${seq}rc-refresh`;
    return send(res, 200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: refresh,
      refresh_token_expires_in: 604800,
      scope: 'ReadCallLog ReadCallRecording',
      owner_id: '62264425',
      endpoint_id: 'rcEndpoint1',
    });
  };

  const handle = (req: IncomingMessage, body: string, res: ServerResponse) => {
    const url = urlOf(req);
    const q = url.searchParams;
    if (req.method === 'POST' && url.pathname === '/restapi/oauth/token') return handleToken(req, body, res);

    if (req.headers.authorization !== `Bearer ${token}`) return apiError(res, 401, 'OAU-213', 'Access token expired');
    const now = Date.now();
    if (now < blockedUntil) earlyRetries++;
    const limitHeaders = (remaining: number) => ({
      'X-Rate-Limit-Group': 'heavy',
      'X-Rate-Limit-Limit': String(limit.max),
      'X-Rate-Limit-Remaining': String(remaining),
      'X-Rate-Limit-Window': String(Math.round(limit.windowMs / 1000)),
    });
    const tooMany = () => {
      const h: Record<string, string> = limitHeaders(0);
      if (retryAfter !== null) {
        h['Retry-After'] = String(retryAfter);
        blockedUntil = Date.now() + retryAfter * 1000;
      }
      return apiError(res, 429, 'CMN-301', 'Request rate exceeded', h);
    };
    // Media downloads are answered by the media server (their own rate group), with Content-Length.
    const file = media.get(url.pathname);
    if (file && req.method === 'GET') {
      const status = faults.take();
      if (status === 429) return tooMany();
      if (status !== undefined) return apiError(res, status, 'CMN-102', 'Internal Server Error');
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      return res.end(file.bytes);
    }
    if (messages.has(url.pathname) && req.method === 'GET') return send(res, 200, messages.get(url.pathname));
    if (!limit.take(now)) return tooMany();
    const status = faults.take();
    if (status === 429) return tooMany();
    if (status !== undefined) return apiError(res, status, 'CMN-102', 'Internal Server Error');
    if (faults.takeMalformed()) return send(res, 200, { uri: url.href, navigation: {}, paging: { page: 1, perPage: 100 } }, limitHeaders(limit.remaining));
    if (url.pathname !== '/restapi/v1.0/account/~/call-log' && url.pathname !== '/restapi/v1.0/account/~/extension/~/call-log') {
      return apiError(res, 404, 'CMN-102', `Resource for parameter [path] is not found`);
    }
    const detailed = q.get('view') === 'Detailed';
    if (q.has('view') && !['Simple', 'Detailed'].includes(q.get('view')!)) return apiError(res, 400, 'CMN-101', "Parameter [view] value is invalid");
    const dateTo = q.has('dateTo') ? Date.parse(q.get('dateTo')!) : now;
    const dateFrom = q.has('dateFrom') ? Date.parse(q.get('dateFrom')!) : dateTo - 86_400_000;
    if (Number.isNaN(dateFrom) || Number.isNaN(dateTo)) return apiError(res, 400, 'CMN-101', 'Parameter [dateFrom] value is invalid');
    const page = Number(q.get('page') ?? 1);
    const perPage = Math.min(Math.max(Number(q.get('perPage') ?? 100) || 100, 1), maxPerPage);
    const rows = calls
      .filter((c) => Date.parse(c.startTime) >= dateFrom && Date.parse(c.startTime) <= dateTo)
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    const link = (p: number) => {
      const u = new URL(url.pathname, sandbox.url);
      for (const [k, v] of q) if (k !== 'page') u.searchParams.set(k, v);
      u.searchParams.set('page', String(p));
      return { uri: u.href };
    };
    const navigation: Record<string, { uri: string }> = { firstPage: link(1) };
    if (page * perPage < rows.length) navigation.nextPage = link(page + 1);
    if (page > 1) navigation.previousPage = link(page - 1);
    const records = slice.map((c) => (detailed ? c : Object.fromEntries(Object.entries(c).filter(([k]) => !DETAILED_ONLY.includes(k)))));
    return send(
      res,
      200,
      { uri: link(page).uri, records, paging: { page, perPage, pageStart: (page - 1) * perPage, pageEnd: (page - 1) * perPage + Math.max(slice.length - 1, 0) }, navigation },
      limitHeaders(limit.remaining),
    );
  };

  const server = await startServer(
    async (req, res) => {
      const body = await readBody(req);
      res.on('finish', () => {
        const u = urlOf(req);
        requests.push({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, status: res.statusCode, authorization: req.headers.authorization, body, at: Date.now() });
      });
      handle(req, body, res);
    },
    (res, err) => apiError(res, 500, 'CMN-102', err.message),
  );

  const sandbox: RingCentralSandbox = {
    ...server,
    requests,
    get accessToken() {
      return token;
    },
    get refreshToken() {
      return refresh;
    },
    get refreshCount() {
      return refreshCount;
    },
    get earlyRetries() {
      return earlyRetries;
    },
    calls,
    expireToken() {
      token = `${token}.expired${++seq}`;
    },
    failRefresh(on = true) {
      refreshFails = on;
    },
    addMedia(path, bytes, contentType = 'audio/mpeg') {
      media.set(path, { bytes, contentType });
      return sandbox.url + path;
    },
    addVoicemail(path, contentPath, bytes, contentType = 'audio/mpeg') {
      const id = path.split('/').pop();
      const uri = sandbox.addMedia(contentPath, bytes, contentType);
      messages.set(path, { uri: sandbox.url + path, id: Number(id), type: 'VoiceMail', messageStatus: 'Received', readStatus: 'Unread', attachments: [{ id: 1, uri, type: 'AudioRecording', contentType, vmDuration: 12, size: bytes.length }] });
      return sandbox.url + path;
    },
    addCall(call) {
      const i = calls.findIndex((c) => c.id === call.id);
      if (i >= 0) calls[i] = call;
      else calls.push(call);
    },
    ...faults.controls(),
  };
  return sandbox;
}
