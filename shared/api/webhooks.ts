import type { Route } from './router';
import type { App } from '../services/app';
import { ListQuerySchema } from '../services/schemas';
import { parse } from '../validate';
import { configureWebhook, WebhookSettingsSchema, webhookStatus } from '../webhooks/provision';
import { receiveWebhook } from '../webhooks/service';

/**
 * The public webhook endpoints (no API key: each request proves itself by the vendor's signature; raw bytes
 * kept for that). Receiving only opens sealed secrets (kms:Decrypt), never seals: the `webhooks` function's
 * role has no kms:GenerateDataKey.
 */
export function webhookRoutes(app: App): Route[] {
  return [
    { method: 'POST', path: '/webhooks/hubspot/{integrationId}', auth: false, rawBody: true, handle: (req) => receiveWebhook(app, 'hubspot', req) },
    { method: 'POST', path: '/webhooks/twilio/{integrationId}', auth: false, rawBody: true, handle: (req) => receiveWebhook(app, 'twilio', req) },
    {
      method: 'POST',
      path: '/webhooks/cdk/{integrationId}/v1/webhook/event/{channel}',
      auth: false,
      rawBody: true,
      handle: (req) => receiveWebhook(app, 'cdk', req),
    },
    { method: 'POST', path: '/webhooks/generic/{integrationId}', auth: false, rawBody: true, handle: (req) => receiveWebhook(app, 'generic', req) },
  ];
}

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
      handle: async (req) => ({ status: 200, body: await configureWebhook(app, req.tenantId!, req.params.id, req.body) }),
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/webhook',
      auth: true,
      handle: async (req) => ({ status: 200, body: await webhookStatus(app, req.tenantId!, req.params.id) }),
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/events',
      auth: true,
      query: ListQuerySchema,
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        await app.integrations.require(req.tenantId!, req.params.id);
        const page = await app.cursors.page(`events:${req.params.id}`, q.cursor, (c) => store.log(req.params.id, q.limit, c));
        return { status: 200, body: { events: page.items, nextCursor: page.nextCursor } };
      },
    },
  ];
}
