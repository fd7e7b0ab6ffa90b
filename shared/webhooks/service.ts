import { NotFoundError } from '../errors';
import type { ApiReply, ApiRequest } from '../lambda-types';
import { assertJsonDepth } from '../json';
import { createLogger, redact } from '../log';
import { notify } from '../notify/notify';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { cdkEventKey, verifyCdk } from './cdk';
import { sha256Hex } from '../crypto/hmac';
import { InvalidSignatureError } from './errors';
import { genericEventId, genericEventKey, MAX_EVENT_ID, verifyGeneric } from './generic';
import { hubspotEventKey, parseHubspotEvents, verifyHubspot } from './hubspot';
import { configSecret, webhookUrls } from './provision';
import { PROVIDER_TYPE, type StoredEvent, type WebhookConfig, type WebhookProvider } from '../store/webhooks';
import { type TwilioParams, twilioEventKey, verifyTwilio } from './twilio';
import type { VerifyFailureReason } from '../crypto/verify-result';

const log = createLogger({ component: 'webhooks' });

/** Rejections per integration per minute that raise `webhook.rejected_burst` (once, when the count reaches it). */
export const REJECTED_BURST = 10;

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

interface Accepted {
  eventKey: string;
  providerEventId?: string;
  event: Record<string, unknown>;
}

interface Target {
  integration: IntegrationItem;
  cfg: WebhookConfig | undefined;
  secret: string | undefined;
}

/** The URL the vendor was given (from config, never from the Host header), with this request's query string. */
function signedUrl(app: App, t: Target, provider: WebhookProvider, req: ApiRequest): string {
  const { publicUrl } = webhookUrls(app, t.integration, provider, t.cfg);
  const suffix = provider === 'cdk' ? req.path.slice(req.path.indexOf('/v1/webhook/event/')) : '';
  const qs = req.event.rawQueryString;
  return (qs ? publicUrl.split('?')[0] : publicUrl) + suffix + (qs ? `?${qs}` : '');
}

async function resolveTarget(app: App, provider: WebhookProvider, integrationId: string): Promise<Target> {
  const store = app.webhooks;
  const ptr = await store.pointer(integrationId);
  if (!ptr || ptr.type !== PROVIDER_TYPE[provider]) throw new NotFoundError('integration', 'integration_not_found');
  const integration = await app.integrations.get(ptr.tenantId, integrationId);
  if (!integration || integration.type !== ptr.type) throw new NotFoundError('integration', 'integration_not_found');
  const cfg = await store.config(integrationId);
  const ctx = { tenantId: integration.tenantId, integrationId };
  // Else the vendor's own secret in the connector config (HubSpot clientSecret, Twilio authToken), opened alone:
  // it is a secret field, so no connector spec is needed to know it is sealed, and this function carries none.
  const sealed = cfg?.secret || configSecret(integration, provider);
  const secret = sealed ? (await app.sealer.openAll({ s: sealed }, ctx)).s : undefined;
  redact(secret);
  return { integration, cfg, secret };
}

/** Counts the rejection and raises `webhook.rejected_burst` when the per-minute count reaches the threshold. */
async function reject(app: App, t: Target, provider: WebhookProvider, reason: VerifyFailureReason | 'no_secret'): Promise<never> {
  const i = t.integration;
  log.warn('webhook rejected', { integrationId: i.id, provider, reason });
  try {
    const n = await app.webhooks.countRejection(i.id);
    if (n === REJECTED_BURST) {
      await notify(app, i.tenantId, 'webhook.rejected_burst', {
        integrationId: i.id,
        integrationName: i.name,
        provider,
        rejected: n,
        windowMinutes: 1,
        lastReason: reason,
        at: new Date().toISOString(),
      });
    }
  } catch (err) {
    log.error('could not count a webhook rejection', { integrationId: i.id, error: err as Error });
  }
  throw new InvalidSignatureError();
}

function verifyAndParse(app: App, provider: WebhookProvider, t: Target, req: ApiRequest): { ok: false; reason: VerifyFailureReason } | { ok: true; events: Accepted[]; reply: ApiReply } {
  const secret = t.secret!;
  const headers = req.headers;
  const body = req.rawBody;
  switch (provider) {
    case 'hubspot': {
      const r = verifyHubspot({ method: req.method, uri: signedUrl(app, t, provider, req), headers, body, clientSecret: secret, allowLegacy: t.cfg?.allowLegacySignatures });
      if (!r.ok) return r;
      const events = parseHubspotEvents(body).map((e) => ({ eventKey: hubspotEventKey(e), providerEventId: String(e.eventId), event: e as Record<string, unknown> }));
      return { ok: true, events, reply: { status: 204 } };
    }
    case 'twilio': {
      const r = verifyTwilio({ url: signedUrl(app, t, provider, req), headers, body, authToken: secret });
      if (!r.ok) return r;
      if (r.variant === 'json') {
        const text = body.toString('utf8');
        assertJsonDepth(text);
        return { ok: true, events: [{ eventKey: `twilio:json:${sha256Hex(body)}`, event: { variant: 'json', body: text } }], reply: { status: 204 } };
      }
      const params: TwilioParams = r.params;
      const eventKey = twilioEventKey(params);
      const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
      const statusCallback = params.MessageStatus !== undefined || params.CallbackSource !== undefined;
      // Message webhooks expect TwiML (an empty Response sends no reply); status callbacks only a 2xx.
      const reply: ApiReply = statusCallback ? { status: 204 } : { status: 200, raw: TWIML_EMPTY, headers: { 'content-type': 'text/xml' } };
      // The form is stored as received and parsed again by the applier: a parameter map with keys such as
      // `__proto__` does not survive a round trip through the store.
      const event = { variant: 'form', body: body.toString('utf8'), sid: first(params.MessageSid) ?? first(params.CallSid) };
      return { ok: true, events: [{ eventKey, providerEventId: eventKey.slice('twilio:'.length), event }], reply };
    }
    case 'cdk': {
      const r = verifyCdk({ headers, authorization: secret });
      if (!r.ok) return r;
      const event = { body: body.toString('utf8'), channel: req.params.channel, dataOwnerId: r.dataOwnerId };
      assertJsonDepth(event.body);
      // Fortellis wants exactly 202; anything else pauses the partition.
      return { ok: true, events: [{ eventKey: cdkEventKey(r.eventId), providerEventId: r.eventId, event }], reply: { status: 202 } };
    }
    case 'generic': {
      const r = verifyGeneric({ headers, body, secret, signatureHeader: t.cfg?.signatureHeader, timestampHeader: t.cfg?.timestampHeader });
      if (!r.ok) return r;
      assertJsonDepth(body.toString('utf8'));
      const eventKey = genericEventKey({ timestamp: r.timestamp, body });
      return { ok: true, events: [{ eventKey, providerEventId: genericEventId(headers, t.cfg?.idHeader), event: { body: body.toString('utf8') } }], reply: { status: 202 } };
    }
  }
}

/** Longest event key we store as is: a store key holds 1 KB, and a vendor's ids come from the request. */
const MAX_EVENT_KEY = 512;

/** An event key that fits a store key whatever the request held (a longer one is hashed; it still dedupes). */
function boundKeys(a: Accepted): Accepted {
  const eventKey = a.eventKey.length > MAX_EVENT_KEY ? `${a.eventKey.split(':')[0]}:sha256:${sha256Hex(a.eventKey)}` : a.eventKey;
  return { ...a, eventKey, providerEventId: a.providerEventId?.slice(0, MAX_EVENT_ID) };
}

/**
 * The public webhook endpoint: resolve the integration by id, verify on the raw bytes, store each event once
 * (conditional put on its dedupe key), log it, enqueue it on the connector's queue, and answer fast.
 * Nothing of a rejected request is stored or enqueued; only the per-minute rejection count moves.
 */
export async function receiveWebhook(app: App, provider: WebhookProvider, req: ApiRequest): Promise<ApiReply> {
  const integrationId = req.params.integrationId;
  if (provider === 'cdk' && !/^\d{1,10}$/.test(req.params.channel ?? '')) throw new NotFoundError('route', 'route_not_found');
  const t = await resolveTarget(app, provider, integrationId);
  if (!t.secret) return reject(app, t, provider, 'no_secret');
  const v = verifyAndParse(app, provider, t, req);
  if (!v.ok) return reject(app, t, provider, v.reason);

  const i = t.integration;
  const store = app.webhooks;
  const receivedAt = new Date().toISOString();
  const toEnqueue: string[] = [];
  for (const a of v.events.map(boundKeys)) {
    const logSk = store.newLogSk(receivedAt);
    const stored: StoredEvent = { integrationId: i.id, tenantId: i.tenantId, provider, eventKey: a.eventKey, providerEventId: a.providerEventId, receivedAt, logSk, event: a.event };
    const entry = { eventKey: a.eventKey, provider, providerEventId: a.providerEventId, receivedAt, updatedAt: receivedAt };
    if (await store.putEventOnce(stored)) {
      await store.appendLog(i.id, logSk, { ...entry, outcome: 'pending' });
      toEnqueue.push(a.eventKey);
    } else {
      await store.appendLog(i.id, logSk, { ...entry, outcome: 'duplicate' });
      // Stored but never enqueued (we crashed in between): the vendor's retry is our chance to finish.
      const prior = await store.event(i.id, a.eventKey);
      if (prior && !prior.enqueued) toEnqueue.push(a.eventKey);
    }
  }
  if (toEnqueue.length) {
    await app.queue.send(i.type, toEnqueue.map((eventKey) => ({ kind: 'webhook' as const, tenantId: i.tenantId, integrationId: i.id, eventKey })));
    for (const k of toEnqueue) await store.mark(i.id, k, 'enqueued');
  }
  await app.metrics.add(i.id, { webhooks: v.events.length });
  return v.reply;
}
