/**
 * The dashboard's one way to call the API: same origin, `Authorization: Bearer <key>` from this tab's session,
 * errors as ApiError carrying the envelope's code, message and details (shared/api/middleware.ts errorBody).
 */
import type { integrationView, recordView, runView } from '../services/views';
import type { catalogEntry } from '../services/catalog';
import type { FlowItem, FlowRun as StoredFlowRun, LedgerEntry } from '../flows/store';
import type { channelView } from '../notify/service';
import type { DeliveryRecord } from '../notify/store';
import type { webhookStatus } from '../webhooks/provision';
import type { EventLogEntry } from '../store/webhooks';
import type { ActivityEntry } from '../store/activity';

export type Integration = ReturnType<typeof integrationView>;
export type DataRecord = ReturnType<typeof recordView>;
export type Run = ReturnType<typeof runView>;
export type Template = ReturnType<typeof catalogEntry>;
export type Flow = Omit<FlowItem, 'tenantId'>;
export type FlowRun = Omit<StoredFlowRun, 'tenantId' | 'expiresAt' | 'checkpoint'>;
export type Activity = ActivityEntry;
export type FlowDelivery = LedgerEntry;
export type Channel = ReturnType<typeof channelView>;
export type NotificationDelivery = DeliveryRecord;
export type WebhookStatus = Awaited<ReturnType<typeof webhookStatus>>;
export type WebhookEvent = EventLogEntry;
export type Page<K extends string, T> = { [k in K]: T[] } & { nextCursor?: string | null };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const KEY = 'switchboard.apiKey';
/** 'sso' when the key is an SSO provider's ID token: its calls go to /sso/api, the routes behind the JWT authorizer. */
const VIA = 'switchboard.via';
const listeners = new Set<() => void>();
/** Why the API ended the last session (a revoked key, an expired sign-in), for the sign-in screen to say. */
let ended: ApiError | undefined;
export const session = {
  ended: () => ended,
  key: (): string | null => sessionStorage.getItem(KEY),
  via: (): string | null => sessionStorage.getItem(VIA),
  signIn(key: string, via?: 'sso') {
    ended = undefined;
    sessionStorage.setItem(KEY, key);
    if (via) sessionStorage.setItem(VIA, via);
    else sessionStorage.removeItem(VIA);
    listeners.forEach((l) => l());
  },
  signOut(reason?: ApiError) {
    ended = reason;
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(VIA);
    listeners.forEach((l) => l());
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

export interface Reply<T> {
  body: T;
  status: number;
  /** The version an ETag names, for If-Match. */
  version?: number;
}

/**
 * `file`: a body sent as its bytes with its media type (an upload); `blob`: a successful answer read as bytes
 * (a download), not parsed.
 */
export async function call<T>(method: string, path: string, opts: { body?: unknown; ifMatch?: number; key?: string; file?: { body: Blob; type: string }; blob?: boolean } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key ?? session.key() ?? ''}` };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.file) headers['content-type'] = opts.file.type;
  if (opts.ifMatch !== undefined) headers['if-match'] = `"${opts.ifMatch}"`;
  let res: Response;
  try {
    // Deployed, /api takes API keys and /sso/api (same origin, CloudFront → the JWT authorizer's twins) sign-in tokens.
    const url = opts.key === undefined && session.via() === 'sso' && path.startsWith('/api/') ? `/sso${path}` : path;
    res = await fetch(url, { method, headers, body: opts.file ? opts.file.body : opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, 'network_error', 'Switchboard did not answer. Is it running?');
  }
  if (opts.blob && res.ok) return { body: (await res.blob()) as T, status: res.status };
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } } | undefined)?.error;
    // A revoked or wrong key ends the session: the sign-in screen explains, and no tenant data stays on screen.
    const err = new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details ?? []);
    if (res.status === 401 && !opts.key) session.signOut(err);
    throw err;
  }
  const etag = res.headers.get('etag');
  return { body: body as T, status: res.status, version: etag ? Number(etag.replace(/^W\//, '').replace(/"/g, '')) : undefined };
}

export const get = async <T>(path: string) => (await call<T>('GET', path)).body;

/**
 * Saves an export as a file: the body the API streams (`npm start`, or a small export deployed), or, when it
 * answers 201 (a large export in AWS, written to S3), the presigned URL it names.
 */
export async function download(path: string, filename: string): Promise<void> {
  const r = await call<Blob>('GET', path, { blob: true });
  if (r.status === 201) {
    location.assign((JSON.parse(await r.body.text()) as { url: string }).url);
    return;
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(r.body);
  a.download = filename;
  a.click();
  // Revoked later: the browser is still reading the blob into the file it saves.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

export const enc = encodeURIComponent;

/** `?a=1&b=2` from the defined values. */
export function qs(q: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
