import { ulid } from 'ulid';
import { config } from '../config';
import { createLogger, redact } from '../log';
import type { App } from '../services/app';
import { parse } from '../validate';
import type { NotifyMessage } from '../queue/types';
import { type DeliveryLog, type DeliveryOptions, deliverWebhook } from './deliver';
import { type NotificationEvent, NotificationChannelInputSchema, channelFromInput } from './events';
import { deliverSlack, formatSlack } from './slack';
import { assertDeliverableUrl } from '../http/ssrf';
import { NotificationStore, type StoredChannel } from './store';
import { safeLogUrl } from './url';

const log = createLogger({ component: 'notify' });

/** Channel secrets are sealed like integration secrets, with the channel in place of the integration. */
const sealCtx = (tenantId: string, channelId: string) => ({ tenantId, integrationId: `channel:${channelId}` });

export function channelView(c: StoredChannel) {
  return { id: c.id, kind: c.kind, url: c.displayUrl, events: c.events, name: c.name ?? null, summaryHour: c.summaryHour ?? null, timeZone: c.timeZone ?? null, createdAt: c.createdAt, broken: c.broken ?? null };
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
    summaryHour: ch.summaryHour,
    timeZone: ch.timeZone,
    url: sealed.url ?? ch.url,
    displayUrl: ch.kind === 'slack' ? safeLogUrl(ch.url) : ch.url,
    secret: sealed.secret,
    createdAt: new Date().toISOString(),
  };
  await new NotificationStore(app.db).putChannel(stored);
  return { ...channelView(stored), ...(ch.kind === 'webhook' ? { secret: ch.secret } : {}) };
}

/** Slack's answers that no retry will change: the webhook is gone (`no_service`) or its channel archived. */
const SLACK_GONE = new Set([404, 410]);

/**
 * Delivers one queued notification: webhooks signed (X-Switchboard-Signature), Slack formatted, through the
 * one outbound client; logged with its outcome. A Slack webhook that is gone marks its channel broken (no
 * more deliveries until it is replaced) and the log says so. A failed delivery is logged, never thrown.
 */
export async function deliverNotification(app: App, msg: NotifyMessage, opts: DeliveryOptions = {}): Promise<DeliveryLog | undefined> {
  const store = new NotificationStore(app.db);
  const c = await store.channel(msg.tenantId, msg.channelId);
  if (!c || c.broken) return undefined;
  const event = msg.event as NotificationEvent;
  const allowLoopback = config().ALLOW_LOOPBACK_TARGETS;
  let result: DeliveryLog;
  try {
    const sealed: Record<string, string> = {};
    if (c.kind === 'slack') sealed.url = c.url;
    if (c.secret) sealed.secret = c.secret;
    const opened = await app.sealer.openAll(sealed, sealCtx(msg.tenantId, c.id));
    for (const v of Object.values(opened)) redact(v);
    const common = { event, deliveryId: msg.deliveryId, allowLoopback, ...opts };
    result =
      c.kind === 'slack'
        ? await deliverSlack({ url: opened.url, message: formatSlack(event, msg.data as never), ...common })
        : await deliverWebhook({ url: c.url, secret: opened.secret, payload: msg.data, ...common });
  } catch (err) {
    log.error('notification not delivered', { channelId: c.id, event, error: err as Error });
    result = { url: c.displayUrl, event, deliveryId: msg.deliveryId, attempts: [{ error: 'internal_error', at: new Date().toISOString() }], outcome: 'failed' };
  }
  const last = result.attempts.at(-1)?.status;
  const broken = c.kind === 'slack' && last !== undefined && SLACK_GONE.has(last) ? (result.reason ?? `answered ${last}`) : undefined;
  if (broken) await store.markBroken(msg.tenantId, c.id, broken);
  await store.logDelivery(msg.tenantId, {
    deliveryId: result.deliveryId,
    channelId: c.id,
    kind: c.kind,
    event,
    url: c.kind === 'slack' ? c.displayUrl : result.url,
    outcome: result.outcome,
    attempts: result.attempts,
    at: result.attempts[0]?.at ?? new Date().toISOString(),
    ...(broken ? { channelBroken: broken } : {}),
  });
  log.info('notification', { channelId: c.id, event, outcome: result.outcome, attempts: result.attempts.length, channelBroken: broken });
  return result;
}
