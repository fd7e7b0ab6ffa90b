import { basicAuth } from '../../http/auth';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { callsStream } from './calls';
import { contactsStream } from './contacts';
import { five9Call } from './soap';
import { Five9ConfigSchema, five9Spec } from './spec';

/**
 * Five9 over SOAP: HTTP Basic on every request (no token, no refresh), one request at a time per user.
 * https://documentation.five9.com/bundle/api-config-web/page/config-web-services/introduction/basic-access-authentication.htm
 */
export const five9: Connector<typeof Five9ConfigSchema> = {
  ...five9Spec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: basicAuth(config.username, config.password) }),
  streams: () => [contactsStream, callsStream()],
  // Listing one contact field proves the endpoint, the credentials and the user's API access.
  test: (ctx) => testConnection(ctx, () => five9Call(ctx.http, ctx.config.username, 'getContactFields', { namePattern: 'number1' }, 'test')),
};
