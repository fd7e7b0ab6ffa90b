import * as z from 'zod';
import { basicAuth } from '../../http/auth';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { TwilioConfigSchema, twilioSpec, type TwilioConfig } from './spec';

const DAY_MS = 86_400_000;

/**
 * Twilio's error body: `{code, message, more_info, status}` (20003 Authenticate, 20429 Too Many Requests…).
 * https://www.twilio.com/docs/usage/twilios-response
 */
const TwilioErrorSchema = z.looseObject({ code: z.number().optional(), message: z.string().optional() });
export function describeTwilioError(_status: number, body: unknown): string | undefined {
  const r = TwilioErrorSchema.safeParse(body);
  if (!r.success || !r.data.message) return undefined;
  return r.data.code ? `${r.data.code} ${r.data.message}` : r.data.message;
}

const RecordSchema = z.looseObject({
  sid: z.string().min(1),
  status: z.string().min(1),
  date_updated: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
});

/**
 * A list resource (Messages, Calls) as data: 1,000 a page (the maximum), `next_page_uri` (a path on the
 * configured host, filters kept) until null. Twilio has no "updated since" filter, only the day a message
 * was sent or a call started (`DateSent>=` / `StartTime>=`, GMT dates): an incremental run asks from the
 * day before the newest `date_updated` seen, so a status that changes within a day of sending is re-read;
 * later changes arrive by status callback (shared/webhooks/apply-twilio.ts). `date_updated` is the record's
 * source time, which is what reconciles a poll with a callback: the newer one wins, so a status never moves
 * backwards. https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources
 */
function listDef(name: 'messages' | 'calls', resource: string, dateFilter: string): RestStreamDef<TwilioConfig> {
  return {
    name,
    path: (c) => `/2010-04-01/Accounts/${encodeURIComponent(c.accountSid)}/${resource}.json`,
    query: { PageSize: 1000 },
    pagination: { kind: 'next-url', next: 'next_page_uri' },
    sameOriginNext: true,
    records: name,
    id: 'sid',
    recordSchema: RecordSchema,
    // The operator is part of the parameter's name: `DateSent>=2024-05-01` is sent as `DateSent%3E=2024-05-01`.
    incremental: { field: 'date_updated', param: `${dateFilter}>`, in: 'query', format: 'date', lookbackMs: DAY_MS },
  };
}

/** Twilio: messages and calls read from the REST API and kept current between runs by status callbacks. */
export const twilio: Connector<typeof TwilioConfigSchema> = {
  ...twilioSpec,
  http: (config) => ({
    baseUrl: config.baseUrl,
    // REST API auth: HTTP Basic, Account SID as user name, auth token as password.
    // https://www.twilio.com/docs/usage/requests-to-twilio#credentials
    auth: basicAuth(config.accountSid, config.authToken),
    describeError: describeTwilioError,
  }),
  streams: () => [restStream(listDef('messages', 'Messages', 'DateSent')), restStream(listDef('calls', 'Calls', 'StartTime'))],
  // Fetching the account itself is the cheapest authenticated request.
  test: (ctx) => testConnection(ctx, { url: `/2010-04-01/Accounts/${encodeURIComponent(ctx.config.accountSid)}.json`, stream: 'test' }),
};
