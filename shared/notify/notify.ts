import { ulid } from 'ulid';
import { NOTIFY_QUEUE, type NotifyMessage } from '../queue/types';
import type { App } from '../services/app';
import type { NotificationDataMap, NotificationEvent } from './events';
import { NotificationStore } from './store';

// Apart from the channels' service (notify/service.ts): what raises an event (a run finishing, a webhook burst)
// carries neither the channel schemas nor the delivery code.

/**
 * Queues `event` for every channel of the tenant subscribed to it, one message per channel on the
 * notifications queue: the run or request that raised it never waits on a receiver. Returns how many.
 */
export async function notify<E extends NotificationEvent>(
  app: App,
  tenantId: string,
  event: E,
  data: NotificationDataMap[E],
  only?: ReadonlySet<string>,
): Promise<number> {
  const channels = (await new NotificationStore(app.db).channels(tenantId)).filter((c) => c.events.includes(event) && !c.broken && (!only || only.has(c.id)));
  const messages: NotifyMessage[] = channels.map((c) => ({ kind: 'notify', tenantId, channelId: c.id, event, deliveryId: ulid().toLowerCase(), data }));
  if (messages.length) await app.queue.send(NOTIFY_QUEUE, messages);
  return messages.length;
}
