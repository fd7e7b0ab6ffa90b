import * as z from 'zod';
import type { RawBody, Route } from './router';
import type { WebhookProvider } from '../store/webhooks';
import type { App } from '../services/app';
import { receiveWebhook } from '../webhooks/service';

/**
 * The public webhook endpoints (no API key: each request proves itself by the vendor's signature; raw bytes
 * kept for that). Receiving only opens sealed secrets (kms:Decrypt), never seals: the `webhooks` function's
 * role has no kms:GenerateDataKey.
 */
export function webhookRoutes(app: App): Route[] {
  const receive = (provider: WebhookProvider, path: string, rawBody: RawBody, responses: Route['responses'], summary: string, params?: Route['params'], errors: Route['errors'] = []): Route => ({
    method: 'POST',
    path,
    auth: false,
    rawBody,
    summary,
    params,
    responses,
    errors: ['integration_not_found', 'invalid_signature', 'validation_error', 'json_too_deep', ...errors],
    handle: (req) => receiveWebhook(app, provider, req),
  });
  const json = ['application/json'];
  return [
    receive(
      'hubspot',
      '/webhooks/hubspot/{integrationId}',
      {
        mediaTypes: json,
        headers: [
          { name: 'X-HubSpot-Signature-v3', description: 'base64 HMAC-SHA256 of method + URL + body + timestamp with the app client secret', required: false },
          { name: 'X-HubSpot-Request-Timestamp', description: 'ms since the epoch; v3 signatures older than 5 minutes are refused', required: false },
          { name: 'X-HubSpot-Signature', description: 'v1/v2 signature, only when allowLegacySignatures is set', required: false },
          { name: 'X-HubSpot-Signature-Version', description: 'v1 or v2, with X-HubSpot-Signature', required: false },
        ],
      },
      { 204: { description: 'Stored and queued (or a duplicate)' } },
      'HubSpot webhook events (a JSON array), verified on the raw bytes',
    ),
    receive(
      'twilio',
      '/webhooks/twilio/{integrationId}',
      {
        mediaTypes: ['application/x-www-form-urlencoded', 'application/json'],
        headers: [{ name: 'X-Twilio-Signature', description: 'base64 HMAC-SHA1 of the URL and the sorted form parameters with the auth token (JSON bodies: URL with bodySHA256)', required: true }],
      },
      {
        200: { description: 'A message webhook: an empty TwiML Response', raw: 'text/xml' },
        204: { description: 'A status callback or JSON event: stored and queued' },
      },
      'Twilio message and call status callbacks',
    ),
    receive(
      'cdk',
      '/webhooks/cdk/{integrationId}/v1/webhook/event/{channel}',
      {
        mediaTypes: json,
        headers: [
          { name: 'Authorization', description: 'The value PUT …/webhook generated for the sink', required: true },
          { name: 'Fortellis-Event-Id', description: 'UUID, the dedupe key', required: true },
          { name: 'Data-Owner-Id', description: 'The dealer', required: false },
        ],
      },
      { 202: { description: 'Stored and queued (Fortellis wants exactly 202)' } },
      'CDK Fortellis async events',
      { channel: z.string().regex(/^\d{1,10}$/) },
      // A channel that is not a number is no such route.
      ['route_not_found'],
    ),
    receive(
      'generic',
      '/webhooks/generic/{integrationId}',
      {
        mediaTypes: json,
        headers: [
          { name: 'X-Signature', description: 'hex HMAC-SHA256 of timestamp + "." + body (header name configurable: signatureHeader)', required: true },
          { name: 'X-Timestamp', description: 'seconds since the epoch, within 5 minutes (configurable: timestampHeader)', required: true },
        ],
      },
      { 202: { description: 'Stored and queued (or a duplicate)' } },
      'Any sender signing its JSON body with the generated secret',
    ),
  ];
}
