import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults, jsonSender, readBody, RollingLimit, startServer, urlOf } from './kit';

/**
 * A fake Google: the OAuth token endpoint (JWT-bearer grant, RS256 signature checked against the public key
 * the test generated) and Sheets v4 `spreadsheets.values.get` with Google's wire format — ranges clipped to
 * the grid, trailing empty cells and rows left out, no `values` for an empty range, 400 "exceeds grid limits"
 * past the grid, 401 UNAUTHENTICATED for unknown/expired/revoked tokens, 429 RESOURCE_EXHAUSTED past the
 * per-minute quota. Deterministic and dependency-free, so the local stack can use it for demos too.
 */
export interface SandboxSheet {
  rows: string[][];
  /** Grid size; Google's new sheets have 1000 rows × 26 columns. */
  rowCount?: number;
  columnCount?: number;
}

export interface GoogleSheetsSandboxOptions {
  /** The service account's public key (PEM or KeyObject): assertions must verify against it. */
  publicKey: string | KeyObject;
  /** When set, the JWT's iss must be this. */
  serviceAccountEmail?: string;
  /** spreadsheetId → sheet name → sheet. */
  spreadsheets: Record<string, Record<string, SandboxSheet>>;
  tokenTtlSeconds?: number;
  /** Read requests allowed per window (Google: per minute per user); beyond it, 429. */
  perMinute?: number;
  windowMs?: number;
  /** Sent as Retry-After (seconds) with a 429, when set. */
  retryAfterSeconds?: number;
}

export interface GoogleSheetsSandbox {
  url: string;
  tokenUrl: string;
  close(): Promise<void>;
  /** Every token issued so far answers 401 from now on. */
  revokeTokens(): void;
  /** Revoke all tokens right after the n-th values request from now. */
  revokeAfter(n: number): void;
  /** The next n values requests answer this status (default 503). */
  failNext(n: number, status?: number): void;
  /** Values responses become a body that is not a ValueRange. */
  setMalformed(on: boolean): void;
  stats: { tokenRequests: number; tokensIssued: number; valuesRequests: number; unauthorized: number; http429: number; ranges: string[]; claims: Record<string, unknown>[] };
}

const SCOPES_OK = /https:\/\/www\.googleapis\.com\/auth\/spreadsheets(\.readonly)?(\s|$)/;

const send = jsonSender('application/json; charset=UTF-8');
const googleError = (code: number, message: string, status: string) => ({ error: { code, message, status } });

function letter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
const colIndex = (s: string) => [...s.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** Google quotes a sheet name in A1 only when it needs to. */
const a1Sheet = (name: string) => (/^[A-Za-z0-9_]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`);

function parseRange(range: string): { sheet: string; c1?: number; r1?: number; c2?: number; r2?: number } | undefined {
  let sheet: string;
  let cells: string;
  if (range.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'(?:!(.*))?$/.exec(range);
    if (!m) return undefined;
    sheet = m[1].replace(/''/g, "'");
    cells = m[2] ?? '';
  } else {
    const bang = range.lastIndexOf('!');
    sheet = bang < 0 ? range : range.slice(0, bang);
    cells = bang < 0 ? '' : range.slice(bang + 1);
  }
  if (!cells) return { sheet };
  const m = /^([A-Za-z]+)?(\d+)?(?::([A-Za-z]+)?(\d+)?)?$/.exec(cells);
  if (!m || (!m[1] && !m[2])) return undefined;
  const single = !cells.includes(':');
  return {
    sheet,
    c1: m[1] ? colIndex(m[1]) : undefined,
    r1: m[2] ? Number(m[2]) : undefined,
    c2: single ? (m[1] ? colIndex(m[1]) : undefined) : m[3] ? colIndex(m[3]) : undefined,
    r2: single ? (m[2] ? Number(m[2]) : undefined) : m[4] ? Number(m[4]) : undefined,
  };
}

export async function startGoogleSheetsSandbox(opts: GoogleSheetsSandboxOptions): Promise<GoogleSheetsSandbox> {
  const publicKey = typeof opts.publicKey === 'string' ? createPublicKey(opts.publicKey) : opts.publicKey;
  const ttl = opts.tokenTtlSeconds ?? 3599;
  const limit = opts.perMinute === undefined ? undefined : new RollingLimit(opts.perMinute, opts.windowMs ?? 60_000);
  const tokens = new Map<string, number>(); // token → expiry (epoch ms)
  let seq = 0;
  const faults = new Faults();
  let revokeCountdown = -1;
  const stats: GoogleSheetsSandbox['stats'] = { tokenRequests: 0, tokensIssued: 0, valuesRequests: 0, unauthorized: 0, http429: 0, ranges: [], claims: [] };
  let tokenUrl = '';

  const invalidGrant = (res: ServerResponse, description: string) => send(res, 400, { error: 'invalid_grant', error_description: description });

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.tokenRequests++;
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return send(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` });
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return invalidGrant(res, 'Invalid JWT Signature.');
    let header: { alg?: string };
    let claims: { iss?: string; scope?: string; aud?: string; iat?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return invalidGrant(res, 'Invalid JWT Signature.');
    }
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
    if (header.alg !== 'RS256' || !signed) return invalidGrant(res, 'Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= now || claims.iat > now + 60 || claims.exp - claims.iat > 3600)
      return invalidGrant(res, 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    if (claims.aud !== tokenUrl) return invalidGrant(res, 'Invalid JWT: Failed audience check.');
    if (opts.serviceAccountEmail && claims.iss !== opts.serviceAccountEmail) return invalidGrant(res, 'Invalid grant: account not found');
    if (!SCOPES_OK.test(claims.scope ?? '')) return send(res, 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
    stats.claims.push(claims);
    const accessToken = `ya29.sandbox-${++seq}-${Math.random().toString(36).slice(2)}`;
    tokens.set(accessToken, Date.now() + ttl * 1000);
    stats.tokensIssued++;
    send(res, 200, { access_token: accessToken, expires_in: ttl, token_type: 'Bearer' });
  }

  function values(req: IncomingMessage, res: ServerResponse, spreadsheetId: string, rawRange: string): void {
    stats.valuesRequests++;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    if (expiry === undefined || expiry <= Date.now()) {
      stats.unauthorized++;
      return send(
        res,
        401,
        googleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', 'UNAUTHENTICATED'),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    if (revokeCountdown > 0 && --revokeCountdown === 0) {
      tokens.clear();
      revokeCountdown = -1;
    }
    if (limit && !limit.take()) {
      stats.http429++;
      return send(
        res,
        429,
        googleError(429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123456789012'.", 'RESOURCE_EXHAUSTED'),
        opts.retryAfterSeconds !== undefined ? { 'retry-after': String(opts.retryAfterSeconds) } : {},
      );
    }
    const status = faults.take();
    if (status !== undefined) return send(res, status, googleError(status, 'The service is currently unavailable.', 'UNAVAILABLE'));
    stats.ranges.push(rawRange);
    const book = opts.spreadsheets[spreadsheetId];
    if (!book) return send(res, 404, googleError(404, 'Requested entity was not found.', 'NOT_FOUND'));
    if (faults.takeMalformed()) return send(res, 200, '{"range": 42, "values": "not a grid"');
    const r = parseRange(rawRange);
    const sheet = r ? book[r.sheet] : undefined;
    if (!r || !sheet) return send(res, 400, googleError(400, `Unable to parse range: ${rawRange}`, 'INVALID_ARGUMENT'));
    const rowCount = sheet.rowCount ?? Math.max(1000, sheet.rows.length);
    const columnCount = sheet.columnCount ?? Math.max(26, ...sheet.rows.map((x) => x.length));
    const r1 = r.r1 ?? 1;
    const c1 = r.c1 ?? 0;
    if (r1 > rowCount || c1 >= columnCount)
      return send(res, 400, googleError(400, `Range (${a1Sheet(r.sheet)}!${letter(c1)}${r1}) exceeds grid limits. Max rows: ${rowCount}, max columns: ${columnCount}`, 'INVALID_ARGUMENT'));
    const r2 = Math.min(r.r2 ?? rowCount, rowCount);
    const c2 = Math.min(r.c2 ?? columnCount - 1, columnCount - 1);
    const out: string[][] = [];
    for (let row = r1; row <= r2; row++) {
      const cells = (sheet.rows[row - 1] ?? []).slice(c1, c2 + 1);
      while (cells.length && (cells[cells.length - 1] ?? '') === '') cells.pop();
      out.push(cells.map((c) => c ?? ''));
    }
    while (out.length && out[out.length - 1].length === 0) out.pop();
    const body: Record<string, unknown> = { range: `${a1Sheet(r.sheet)}!${letter(c1)}${r1}:${letter(c2)}${r2}`, majorDimension: 'ROWS' };
    if (out.length) body.values = out;
    send(res, 200, body);
  }

  const server = await startServer(
    (req, res) => {
      const url = urlOf(req);
      if (req.method === 'POST' && url.pathname === '/token') return token(req, res);
      const m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) return values(req, res, decodeURIComponent(m[1]), decodeURIComponent(m[2]));
      send(res, 404, googleError(404, 'Requested entity was not found.', 'NOT_FOUND'));
    },
    (res) => send(res, 500, { error: 'internal_failure' }),
  );
  tokenUrl = `${server.url}/token`;

  return {
    url: server.url,
    tokenUrl,
    stats,
    // Closing twice is harmless here, as it always was for this sandbox.
    close: () => server.close().catch(() => undefined),
    revokeTokens: () => tokens.clear(),
    revokeAfter: (n) => {
      revokeCountdown = n;
    },
    failNext: (n, status = 503) => faults.set(status, n),
    setMalformed: (on) => faults.setMalformed(on ? Infinity : 0),
  };
}
