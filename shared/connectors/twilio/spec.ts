import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Twilio: SMS/MMS messages and voice calls. Events arrive by webhook (incoming messages, status callbacks),
 * verified with the account's auth token (X-Twilio-Signature). https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
export const TwilioConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: sendsSecrets(z.url().default('https://api.twilio.com')),
    /** AC…, 34 characters. */
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID (AC followed by 32 hex digits)'),
    /** The auth token: HTTP Basic password for the REST API and the key of webhook signatures. */
    authToken: secret(z.string().min(8)),
  }),
);
export type TwilioConfig = z.infer<typeof TwilioConfigSchema>;

export const TWILIO_DATA_TYPES = ['messages', 'calls'] as const;

export const twilioSpec = {
  type: 'twilio',
  title: 'Twilio',
  description: 'SMS/MMS messages and voice calls from Twilio, read from the REST API and kept current between runs by webhooks and status callbacks.',
  configSchema: TwilioConfigSchema,
  dataTypes: () => [...TWILIO_DATA_TYPES],
  defaultDataTypes: [...TWILIO_DATA_TYPES],
  // Twilio's REST API limits are per account and per resource; 100/s keeps one integration well under them.
  rateLimit: { requests: 100, windowMs: 1_000 },
  webhooks: true,
} satisfies ConnectorSpec<typeof TwilioConfigSchema>;
