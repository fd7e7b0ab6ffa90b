import type { Route } from './router';
import type { App } from '../services/app';
import { ListQuerySchema } from '../services/schemas';
import { parse } from '../validate';
import { configureWebhook, WebhookSettingsSchema, webhookStatus } from '../webhooks/provision';

/**
 * The tenant-authenticated routes that configure the webhooks and read the event log (served by the `settings`
 * function). Configuring seals the secret (kms:GenerateDataKey); none of them opens one.
 */
export function webhookSettingsRoutes(app: App): Route[] {
  const store = app.webhooks;
  return [
    {
      method: 'PUT',
      path: '/api/integrations/{id}/webhook',
      auth: true,
      body: WebhookSettingsSchema,
      summary: 'Set the webhook secret (or generate ours) and where it is received',
      responses: { 200: { description: 'The settings; a generated secret is shown this once', body: (r) => r.WebhookConfiguredSchema } },
      errors: ['integration_not_found', 'webhooks_not_supported', 'secret_generated', 'secret_not_generated'],
      handle: async (req) => ({ status: 200, body: await configureWebhook(app, req.tenantId!, req.params.id, req.body) }),
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/webhook',
      auth: true,
      summary: 'Where the vendor posts and whether a secret is set (never the secret)',
      responses: { 200: { description: 'The settings', body: (r) => r.WebhookStatusSchema } },
      errors: ['integration_not_found', 'webhooks_not_supported'],
      handle: async (req) => ({ status: 200, body: await webhookStatus(app, req.tenantId!, req.params.id) }),
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/events',
      auth: true,
      query: ListQuerySchema,
      summary: 'The webhook event log, newest first',
      responses: { 200: { description: 'A page of events', body: (r) => r.EventLogSchema } },
      errors: ['integration_not_found'],
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        await app.integrations.require(req.tenantId!, req.params.id);
        const page = await app.cursors.page(`events:${req.params.id}`, q.cursor, (c) => store.log(req.params.id, q.limit, c));
        return { status: 200, body: { events: page.items, nextCursor: page.nextCursor } };
      },
    },
  ];
}
