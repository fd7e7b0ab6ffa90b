import { bearerAuth } from '../../http/auth';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { describeHubspotError } from './errors';
import { HubspotConfigSchema, hubspotSpec } from './spec';
import { hubspotStream } from './stream';

/**
 * HubSpot CRM v3: full syncs walk `GET /crm/v3/objects/{type}`, incremental ones search by last-modified
 * (see stream.ts); contacts carry their deal and company ids. Stored shape: see properties.ts.
 */
export const hubspot: Connector<typeof HubspotConfigSchema> = {
  ...hubspotSpec,
  http: (config) => ({
    baseUrl: config.baseUrl,
    // Private app tokens are Bearer tokens: https://developers.hubspot.com/docs/api/private-apps
    auth: bearerAuth(config.accessToken),
    describeError: describeHubspotError,
  }),
  streams: (config) => hubspotSpec.dataTypes(config).map((type) => hubspotStream(type, config)),
  // The cheapest authenticated read there is: one contact.
  test: (ctx) => testConnection(ctx, { url: '/crm/v3/objects/contacts', query: { limit: 1 }, stream: 'test' }),
};
