import { createLogger, scrub } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { UnappliableEventError } from './errors';
import { type StoredEvent, type WebhookProvider } from '../store/webhooks';

const log = createLogger({ component: 'webhook-apply' });

import { MAX_RECEIVES } from '../queue/types';

/** What a worker calls to apply one stored webhook event (its connector's provider, see `webhookApplier`). */
export type WebhookApplier = (app: App, msg: { tenantId: string; integrationId: string; eventKey: string }) => Promise<void>;

export { MAX_RECEIVES };

export type EventApplier = (app: App, i: IntegrationItem, e: StoredEvent) => Promise<string | void>;

/**
 * The worker side of a webhook (the `WebhookApplier` of shared/handlers/worker.ts): loads the stored event,
 * applies it with its provider's applier, and sets its log entry's outcome. A transient failure is logged as
 * failed (with the attempt count) and rethrown so SQS redelivers, ending in the DLQ after 5 receives; an event
 * that can never apply (unknown type, no id, a provider this function has no applier for) is logged as failed
 * and acknowledged. A worker passes its own connector's provider only (PROVIDER_TYPE: one each), so its bundle
 * carries no other provider's applier and what that imports; the local stack passes them all.
 */
export const webhookApplier = (appliers: Partial<Record<WebhookProvider, EventApplier>>): WebhookApplier => async (app, msg) => {
  const store = app.webhooks;
  const e = await store.event(msg.integrationId, msg.eventKey);
  if (!e || e.tenantId !== msg.tenantId) {
    log.warn('webhook event gone (expired or integration deleted)', { integrationId: msg.integrationId });
    return;
  }
  // SQS (and the local queue) deliver at least once: a batch redelivered after a crash may hold events applied already.
  if (e.applied) return;
  const attempts = await store.countAttempt(e.integrationId, e.eventKey);
  const integration = await app.integrations.get(e.tenantId, e.integrationId);
  if (!integration) return;
  try {
    const apply = appliers[e.provider];
    if (!apply) throw new UnappliableEventError(`no ${e.provider} webhook applier in this function`);
    const note = await apply(app, integration, e);
    await store.mark(e.integrationId, e.eventKey, 'applied');
    await store.setOutcome(e.integrationId, e.logSk, { outcome: 'applied', attempts, ...(note ? { reason: note } : {}) });
    log.info('webhook event applied', { integrationId: e.integrationId, provider: e.provider, attempts });
  } catch (err) {
    const reason = scrub((err as Error).message).slice(0, 500);
    await store.setOutcome(e.integrationId, e.logSk, { outcome: 'failed', reason, attempts });
    if (err instanceof UnappliableEventError) {
      log.warn('webhook event cannot be applied', { integrationId: e.integrationId, provider: e.provider, reason });
      return;
    }
    log.warn('webhook event failed', { integrationId: e.integrationId, provider: e.provider, attempts, last: attempts >= MAX_RECEIVES, reason });
    throw err;
  }
};
