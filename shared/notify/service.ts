import { ulid } from 'ulid';
import { config } from '../config';
import { createLogger, redact } from '../log';
import type { App } from '../services/app';
import { parse } from '../validate';
import { type DeliveryLog, type DeliveryOptions, deliverWebhook } from './deliver';
import { type NotificationDataMap, type NotificationEvent, NotificationChannelInputSchema, channelFromInput } from './events';
import { deliverSlack, formatSlack } from './slack';
import { assertDeliverableUrl } from '../http/ssrf';
import { NotificationStore, type StoredChannel } from './store';
import { safeLogUrl } from './url';

const log = createLogger({ component: 'notify' });

/** Channel secrets are sealed like integration secrets, with the channel in place of the integration. */
const sealCtx = (tenantId: string, channelId: string) => ({ tenantId, integrationId: `channel:${channelId}` });

export function channelView(c: StoredChannel) {
  return { id: c.id, kind: c.kind, url: c.displayUrl, events: c.events, name: c.name ?? null, createdAt: c.createdAt };
}

/**
 * Creates a channel. The URL must be deliverable (public address; loopback only where ALLOW_LOOPBACK_TARGETS).
 * A webhook channel's signing secret is generated here and answered this once.
 */
export async function createChannel(app: App, tenantId: string, body: unknown) {
  const input = parse(NotificationChannelInputSchema, body);
  await assertDeliverableUrl(input.url, { allowLoopback: config().ALLOW_LOOPBACK_TARGETS });
  const ch = channelFromInput(input);
  const id = ulid().toLowerCase();
  const toSeal: Record<string, string> = {};
  if (ch.kind === 'slack') toSeal.url = ch.url;
  if (ch.kind === 'webhook') toSeal.secret = ch.secret;
  for (const v of Object.values(toSeal)) redact(v);
  const sealed = await app.sealer.sealAll(toSeal, sealCtx(tenantId, id));
  const stored: StoredChannel = {
    id,
    tenantId,
    kind: ch.kind,
    events: ch.events,
    name: ch.name,
    url: sealed.url ?? ch.url,
    displayUrl: ch.kind === 'slack' ? safeLogUrl(ch.url) : ch.url,
    secret: sealed.secret,
    createdAt: new Date().toISOString(),
  };
  await new NotificationStore(app.db).putChannel(stored);
  return { ...channelView(stored), ...(ch.kind === 'webhook' ? { secret: ch.secret } : {}) };
}

/**
 * Delivers `event` to every channel of the tenant subscribed to it: webhooks signed (X-Switchboard-Signature),
 * Slack formatted; 3 attempts with backoff each; every delivery logged with its outcome. Never throws for a
 * failed delivery: a notification must not fail the run or request that raised it.
 */
export async function notify<E extends NotificationEvent>(
  app: App,
  tenantId: string,
  event: E,
  data: NotificationDataMap[E],
  opts: Pick<DeliveryOptions, 'backoffMs' | 'timeoutMs' | 'attempts' | 'sleep'> = {},
): Promise<DeliveryLog[]> {
  const store = new NotificationStore(app.db);
  const channels = (await store.channels(tenantId)).filter((c) => c.events.includes(event));
  const allowLoopback = config().ALLOW_LOOPBACK_TARGETS;
  const logs: DeliveryLog[] = [];
  for (const c of channels) {
    let result: DeliveryLog;
    try {
      const sealed: Record<string, string> = {};
      if (c.kind === 'slack') sealed.url = c.url;
      if (c.secret) sealed.secret = c.secret;
      const opened = await app.sealer.openAll(sealed, sealCtx(tenantId, c.id));
      for (const v of Object.values(opened)) redact(v);
      result =
        c.kind === 'slack'
          ? await deliverSlack({ url: opened.url, event, message: formatSlack(event, data), allowLoopback, ...opts })
          : await deliverWebhook({ url: c.url, secret: opened.secret, event, payload: data, allowLoopback, ...opts });
    } catch (err) {
      log.error('notification not delivered', { channelId: c.id, event, error: err as Error });
      result = { url: c.displayUrl, event, deliveryId: ulid(), attempts: [{ error: 'internal_error', at: new Date().toISOString() }], outcome: 'failed' };
    }
    logs.push(result);
    await store.logDelivery(tenantId, {
      deliveryId: result.deliveryId,
      channelId: c.id,
      kind: c.kind,
      event,
      url: c.kind === 'slack' ? c.displayUrl : result.url,
      outcome: result.outcome,
      attempts: result.attempts,
      at: result.attempts[0]?.at ?? new Date().toISOString(),
    });
    log.info('notification', { channelId: c.id, event, outcome: result.outcome, attempts: result.attempts.length });
  }
  return logs;
}
