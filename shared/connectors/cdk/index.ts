import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { noAuth, oauth2Auth, type Auth } from '../../http/auth';
import { fetchToken } from '../../http/token';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { CdkConfigSchema, cdkSpec, type CdkConfig } from './spec';

/**
 * Fortellis errors: `{code, message}` (gateway codes such as INVALID-TOKEN, TOKEN-EXPIRED,
 * API-SUBSCRIPTION-INACTIVE, QUOTA-EXCEEDED; API codes per spec). https://docs.fortellis.io (error codes)
 */
const ErrorSchema = z.looseObject({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() });
export function describeCdkError(_status: number, body: unknown): string | undefined {
  const r = ErrorSchema.safeParse(body);
  if (!r.success || (r.data.code === undefined && !r.data.message)) return undefined;
  return [r.data.code, r.data.message].filter((x) => x !== undefined && x !== '').join(': ');
}

/** Every Fortellis call names the dealer's subscription and carries a fresh Request-Id (echoed back for support). */
const fortellisHeaders = (c: CdkConfig) => ({ 'subscription-id': c.subscriptionId ?? '', 'request-id': randomUUID() });

/**
 * A Fortellis collection: `{items, totalItems, totalPages, links}`, `page` from 1 with `pageSize`, ended by
 * `totalPages` (or a short page). Neither API filters by modification time, so each run reads the dealer's
 * collection in full (unchanged records cost no writes) and Event Relay events keep records current between
 * runs.
 */
function collection(name: 'customers' | 'appointments', id: string, path: (c: CdkConfig) => string, config: CdkConfig): RestStreamDef<CdkConfig> {
  return {
    name,
    path,
    headers: fortellisHeaders,
    pagination: { kind: 'page', param: 'page', sizeParam: 'pageSize', size: config.pageSize, start: 1, totalPages: 'totalPages', in: 'query' },
    records: 'items',
    id,
    // The same shape an Event Relay event stores (apply-cdk.ts adds `id`), so poll and event copies agree.
    map: (raw) => ({ ...raw, id: raw[id] }),
  };
}

/** Client credentials with the app's key and secret as HTTP Basic; tokens last an hour and are fetched again. */
function fortellisAuth(config: CdkConfig): Auth {
  if (!config.clientId || !config.clientSecret) return noAuth;
  const basic = 'Basic ' + Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  return oauth2Auth({
    tokens: {},
    obtain: () => fetchToken(config.tokenUrl, { grant_type: 'client_credentials', scope: 'anonymous' }, { headers: { authorization: basic } }),
  });
}

export const cdk: Connector<typeof CdkConfigSchema> = {
  ...cdkSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: fortellisAuth(config), describeError: describeCdkError }),
  // Without API credentials the integration only receives events: nothing to poll.
  streams: (config) =>
    config.clientId
      ? [restStream(collection('customers', 'customerId', (c) => c.customersPath, config)), restStream(collection('appointments', 'appointmentId', (c) => c.appointmentsPath, config))]
      : [],
  test: (ctx) =>
    ctx.config.clientId
      ? testConnection(ctx, { url: ctx.config.customersPath, query: { page: 1, pageSize: 1 }, headers: fortellisHeaders(ctx.config), stream: 'test' })
      : Promise.resolve({ ok: true, message: 'Connection successful: CDK sends events to the webhook URL; add API credentials to also read customers and appointments.' }),
};
