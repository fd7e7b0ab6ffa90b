import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { secret } from '../connectors/secret';
import { TimeZoneSchema } from '../validate';

/** The events a channel can subscribe to. */
export const NotificationEventSchema = z.enum([
  'run.failed',
  'run.succeeded',
  'integration.error',
  'integration.recovered',
  'webhook.rejected_burst',
  'daily.summary',
]);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

export const ChannelKindSchema = z.enum(['slack', 'webhook']);
export type ChannelKind = z.infer<typeof ChannelKindSchema>;

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const Events = z
  .array(NotificationEventSchema)
  .min(1)
  .transform((events) => [...new Set(events)]);

/**
 * What a client sends to create a channel. No `secret`: the service generates the signing secret of a
 * webhook channel and shows it once. Reachability (SSRF guard) is checked separately, with DNS, by
 * `assertDeliverableUrl`.
 */
/** When a channel gets `daily.summary`: this hour of the day in this zone (default 07:00 UTC, the seed's morning email). */
const summaryAt = {
  summaryHour: z.number().int().min(0).max(23).optional(),
  timeZone: TimeZoneSchema.optional(),
};

export const NotificationChannelInputSchema = z.strictObject({
  kind: ChannelKindSchema,
  url: HttpUrl,
  events: Events,
  name: z.string().min(1).max(100).optional(),
  ...summaryAt,
});
export type NotificationChannelInput = z.infer<typeof NotificationChannelInputSchema>;

/** A stored channel. A Slack incoming-webhook URL is a credential, so it is marked secret like the signing secret. */
export const NotificationChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack'), url: secret(HttpUrl), events: Events, name: z.string().optional(), ...summaryAt }),
  z.object({
    kind: z.literal('webhook'),
    url: HttpUrl,
    events: Events,
    name: z.string().optional(),
    ...summaryAt,
    secret: secret(z.string().min(32)),
  }),
]);
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

/** A new webhook signing secret: 32 random bytes, base64url, with a recognisable prefix. */
export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64url');
}

/** Turns validated input into a stored channel, generating the secret of a webhook channel. */
export function channelFromInput(input: NotificationChannelInput): NotificationChannel {
  if (input.kind === 'webhook') return { ...input, kind: 'webhook', secret: generateWebhookSecret() };
  return { ...input, kind: 'slack' };
}

// ---- Payloads of each event (what the engine hands to the notifier, and what a webhook receives as `data`).

const Base = {
  integrationId: z.string(),
  integrationName: z.string(),
  /** Connector type, e.g. "hubspot". */
  type: z.string(),
  /** Link to the dashboard page of the run or integration, when one is configured. */
  url: z.url().optional(),
};

export const RunEventDataSchema = z.object({
  ...Base,
  runId: z.string(),
  stream: z.string().optional(),
  trigger: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  recordsRead: z.number().int().nonnegative().optional(),
  recordsChanged: z.number().int().nonnegative().optional(),
  /** The run's first error, already scrubbed of secrets. */
  error: z.string().optional(),
});
export type RunEventData = z.infer<typeof RunEventDataSchema>;

export const IntegrationEventDataSchema = z.object({
  ...Base,
  error: z.string().optional(),
  /** When the integration entered error (for `integration.recovered`: how long it was down). */
  since: z.string().optional(),
  at: z.string().optional(),
});
export type IntegrationEventData = z.infer<typeof IntegrationEventDataSchema>;

export const WebhookBurstDataSchema = z.object({
  integrationId: z.string().optional(),
  integrationName: z.string().optional(),
  /** hubspot | twilio | cdk | generic */
  provider: z.string(),
  rejected: z.number().int().nonnegative(),
  windowMinutes: z.number().positive(),
  lastReason: z.string().optional(),
  at: z.string().optional(),
});
export type WebhookBurstData = z.infer<typeof WebhookBurstDataSchema>;

export const DailySummaryIntegrationSchema = z.object({
  integrationId: z.string(),
  name: z.string(),
  type: z.string(),
  runs: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  recordsChanged: z.number().int().nonnegative(),
  avgDurationMs: z.number().nonnegative().optional(),
});
export type DailySummaryIntegration = z.infer<typeof DailySummaryIntegrationSchema>;

/** Seed 002's "Daily Summary Report", per integration: runs, records changed, failures; plus totals. */
export const DailySummarySchema = z.object({
  /** yyyy-mm-dd (UTC day). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  integrations: z.array(DailySummaryIntegrationSchema),
  /** Link to the full report. */
  url: z.url().optional(),
});
export type DailySummary = z.infer<typeof DailySummarySchema>;

export interface NotificationDataMap {
  'run.failed': RunEventData;
  'run.succeeded': RunEventData;
  'integration.error': IntegrationEventData;
  'integration.recovered': IntegrationEventData;
  'webhook.rejected_burst': WebhookBurstData;
  'daily.summary': DailySummary;
}

export const NotificationDataSchemas = {
  'run.failed': RunEventDataSchema,
  'run.succeeded': RunEventDataSchema,
  'integration.error': IntegrationEventDataSchema,
  'integration.recovered': IntegrationEventDataSchema,
  'webhook.rejected_burst': WebhookBurstDataSchema,
  'daily.summary': DailySummarySchema,
} as const satisfies { [E in NotificationEvent]: z.ZodType<NotificationDataMap[E]> };
