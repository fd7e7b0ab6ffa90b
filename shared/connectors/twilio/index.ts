import { basicAuth } from '../../http/auth';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { TwilioConfigSchema, twilioSpec } from './spec';

/**
 * Twilio, events only for now: messages and calls arrive by webhook (shared/webhooks/apply-twilio.ts) and
 * are stored in the REST resource's shape. Streams are empty until a poller of
 * `/2010-04-01/Accounts/{AccountSid}/Messages.json` (paged by `next_page_uri`) is added.
 */
export const twilio: Connector<typeof TwilioConfigSchema> = {
  ...twilioSpec,
  http: (config) => ({
    baseUrl: config.baseUrl,
    // REST API auth: HTTP Basic, Account SID as user name, auth token as password.
    // https://www.twilio.com/docs/usage/requests-to-twilio#credentials
    auth: basicAuth(config.accountSid, config.authToken),
  }),
  streams: () => [],
  // Fetching the account itself is the cheapest authenticated request.
  test: (ctx) => testConnection(ctx, { url: `/2010-04-01/Accounts/${encodeURIComponent(ctx.config.accountSid)}.json`, stream: 'test' }),
};
