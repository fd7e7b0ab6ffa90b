import * as z from 'zod';
import { bearerAuth, type Auth } from '../../http/auth';
import type { HttpResponse } from '../../http/client';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { DEFAULT_BASE_URL, ringcentralSpec, TOKEN_PATH, type RingCentralConfig } from './spec';
import { rotatingRefreshAuth } from '../oauth';

/** RingCentral's penalty after a 429 with no Retry-After: at least 60 s (docs/basics/rate-limits.md). */
const PENALTY_MS = 60_000;

/**
 * RingCentral's error bodies: API errors `{errorCode, message, errors: [{errorCode, message}]}`, OAuth errors
 * `{error, error_description, errors: [...]}`. The per-error codes (OAU-213 token expired, CMN-301 rate
 * exceeded…) are what support asks for, so they go into our messages.
 * https://developers.ringcentral.com/guide/basics/errors
 */
export const RingCentralErrorSchema = z.looseObject({
  errorCode: z.string().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
  errors: z.array(z.looseObject({ errorCode: z.string().optional(), message: z.string().optional() })).optional(),
});

export function describeRingCentralError(_status: number, body: unknown): string | undefined {
  const r = RingCentralErrorSchema.safeParse(body);
  if (!r.success) return undefined;
  const parts = (r.data.errors ?? []).map((e) => [e.errorCode, e.message].filter(Boolean).join(': ')).filter(Boolean);
  if (parts.length) return parts.join('; ');
  const top = [r.data.errorCode ?? r.data.error, r.data.message].filter(Boolean).join(': ');
  return top || undefined;
}

const PartySchema = z.looseObject({
  phoneNumber: z.string().optional(),
  extensionNumber: z.string().optional(),
  extensionId: z.string().optional(),
  name: z.string().optional(),
  location: z.string().optional(),
});
const Id = z.union([z.string().min(1), z.number()]).transform(String);

/**
 * A call log record (Detailed view). Only what we map is checked; the rest is kept as the vendor sent it.
 * https://developers.ringcentral.com/guide/voice/call-log/api
 */
export const CallLogRecordSchema = z.looseObject({
  id: z.string().min(1),
  sessionId: z.string().optional(),
  telephonySessionId: z.string().optional(),
  startTime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date-time'),
  duration: z.number().nonnegative(),
  type: z.string().optional(),
  direction: z.string().optional(),
  action: z.string().optional(),
  result: z.string().optional(),
  reason: z.string().optional(),
  from: PartySchema.optional(),
  to: PartySchema.optional(),
  extension: z.looseObject({ id: Id }).optional(),
  recording: z.looseObject({ id: Id, type: z.string().optional(), contentUri: z.string().optional() }).optional(),
  /** A voicemail left on a missed call. */
  message: z.looseObject({ id: Id, type: z.string().optional(), uri: z.string().optional() }).optional(),
  legs: z.array(z.record(z.string(), z.unknown())).optional(),
  lastModifiedTime: z.string().optional(),
});
export type CallLogRecord = z.infer<typeof CallLogRecordSchema>;

/** Results of a call that was picked up; anything else on an inbound call is a missed call (seed 004). */
const ANSWERED = new Set(['Accepted', 'Call connected']);

/**
 * The stored shape: flat fields a downstream step (seed 004: find the lead by phone, attach the recording or
 * voicemail, note the call) can use without walking the vendor's structure, plus the raw nested parts.
 * `externalNumber` is the other party: the caller on an inbound call, the callee on an outbound one.
 */
export function toCallRecord(raw: Record<string, unknown>): Record<string, unknown> {
  const c = CallLogRecordSchema.parse(raw);
  const inbound = c.direction === 'Inbound';
  const answered = ANSWERED.has(c.result ?? '');
  const external = inbound ? c.from : c.to;
  const voicemail = c.message && (c.message.type ?? 'VoiceMail') === 'VoiceMail' ? c.message : undefined;
  return {
    id: c.id,
    sessionId: c.sessionId ?? null,
    telephonySessionId: c.telephonySessionId ?? null,
    type: c.type ?? null,
    direction: c.direction ?? null,
    action: c.action ?? null,
    result: c.result ?? null,
    reason: c.reason ?? null,
    startTime: c.startTime,
    endTime: new Date(Date.parse(c.startTime) + c.duration * 1000).toISOString(),
    duration: c.duration,
    answered,
    missed: inbound && !answered,
    hasRecording: c.recording !== undefined,
    hasVoicemail: voicemail !== undefined || c.result === 'Voicemail',
    fromNumber: c.from?.phoneNumber ?? null,
    fromName: c.from?.name ?? null,
    fromLocation: c.from?.location ?? null,
    toNumber: c.to?.phoneNumber ?? null,
    toName: c.to?.name ?? null,
    toExtensionNumber: c.to?.extensionNumber ?? null,
    externalNumber: external?.phoneNumber ?? null,
    externalName: external?.name ?? null,
    extensionId: c.extension?.id ?? null,
    recordingId: c.recording?.id ?? null,
    recordingType: c.recording?.type ?? null,
    recordingContentUri: c.recording?.contentUri ?? null,
    voicemailMessageId: voicemail?.id ?? null,
    voicemailUri: voicemail?.uri ?? null,
    lastModifiedTime: c.lastModifiedTime ?? null,
    from: c.from ?? null,
    to: c.to ?? null,
    recording: c.recording ?? null,
    message: c.message ?? null,
    legs: c.legs ?? [],
  };
}

/** `X-Rate-Limit-*` on every answer: the run stats show how much of the Heavy group's minute is left. */
export function rateLimitInfo(res: HttpResponse): Record<string, unknown> | undefined {
  const remaining = res.headers['x-rate-limit-remaining'];
  if (remaining === undefined) return undefined;
  return {
    rateLimitGroup: res.headers['x-rate-limit-group'],
    rateLimitLimit: Number(res.headers['x-rate-limit-limit']),
    rateLimitRemaining: Number(remaining),
    rateLimitWindowSeconds: Number(res.headers['x-rate-limit-window']),
  };
}

export function callLogPath(config: Pick<RingCentralConfig, 'scope'>): string {
  return config.scope === 'extension' ? '/restapi/v1.0/account/~/extension/~/call-log' : '/restapi/v1.0/account/~/call-log';
}

/**
 * The call log as data: Detailed view (legs, lastModifiedTime), 1,000 a page (the maximum), `dateFrom` =
 * the history window on a full run, the high-water mark minus the lookback on an incremental one; pages
 * follow `navigation.nextPage.uri` until it is absent (`paging.totalPages` is often missing).
 */
export function callLogDef(config: RingCentralConfig): RestStreamDef<RingCentralConfig> {
  return {
    name: 'call_log',
    path: callLogPath,
    query: (c) => ({ view: 'Detailed', perPage: 1000, dateFrom: new Date(Date.now() - (c.historyDays ?? 30) * 86_400_000).toISOString() }),
    pagination: { kind: 'next-url', next: 'navigation.nextPage.uri' },
    // The next-page link carries our bearer token's request: never to another host than the configured one.
    sameOriginNext: true,
    records: 'records',
    id: 'id',
    recordSchema: CallLogRecordSchema,
    map: toCallRecord,
    incremental: { field: 'startTime', param: 'dateFrom', in: 'query', format: 'iso', lookbackMs: (config.lookbackMinutes ?? 60) * 60_000 },
    info: rateLimitInfo,
  };
}

/** A bearer token; with a refresh token and client id, refreshed on 401 and re-sealed with the rotated refresh token. */
function ringcentralAuth(config: RingCentralConfig, save: (patch: Partial<RingCentralConfig>) => Promise<void>): Auth {
  if (!config.refreshToken || !config.clientId) return bearerAuth(config.accessToken);
  const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  // RingCentral refresh tokens are single use: https://developers.ringcentral.com/guide/authentication/refresh-tokens
  return rotatingRefreshAuth({ ...config, refreshToken: config.refreshToken, clientId: config.clientId, tokenUrl: config.tokenUrl ?? base + TOKEN_PATH }, save);
}

export const ringcentral: Connector<typeof ringcentralSpec.configSchema> = {
  ...ringcentralSpec,
  http: (config, save) => ({ baseUrl: config.baseUrl ?? DEFAULT_BASE_URL, auth: ringcentralAuth(config, save), describeError: describeRingCentralError, retry: { defaultRetryAfterMs: PENALTY_MS } }),
  streams: (config) => [restStream(callLogDef(config))],
  /** A one-record call log read: proves the token, the host and the ReadCallLog permission the sync needs. */
  async test(ctx) {
    const r = await testConnection(ctx, { url: callLogPath(ctx.config), query: { perPage: 1, view: 'Simple' } });
    return r.ok ? { ok: true, message: `Connected to RingCentral (${ctx.config.scope ?? 'account'} call log)` } : r;
  },
};
