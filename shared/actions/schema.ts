import * as z from 'zod';
import { TimeZoneSchema } from '../validate';

/**
 * Flow actions: what a flow does per record after its target write, or instead of one. Every text field is a
 * mapping template (`${caller_number:phone}`), rendered against the source record like the flow's mapping;
 * `when` is a filter in the source filter's language. Strict: an unknown field is a 400.
 */

/** A template; sizes bounded so a flow item stays far below DynamoDB's 400 KB. */
const tpl = (max = 4000) => z.string().max(max);
/**
 * A JSON value whose string leaves are templates (Slack blocks, webhook bodies, GA4 params), at most 4 levels
 * deep: built level by level rather than recursively, so its JSON Schema inlines into the OpenAPI document.
 */
const scalar = z.lazy(() => z.union([tpl(), z.number(), z.boolean(), z.null()]));
const treeOf = (depth: number): z.ZodType => (depth === 0 ? scalar : z.union([scalar, z.array(treeOf(depth - 1)).max(50), z.record(z.string().max(100), treeOf(depth - 1))]));
const tree = z.lazy(() => treeOf(4));
const e164 = () => z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number, e.g. +14155550100');
const clock = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');

const common = () => ({
  /** Names the action's step in the ledger; defaults to its type (`sms`, or `sms#2` for a second one). Renaming an action makes it a new step. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and -, at most 40').optional(),
  when: z.string().trim().min(1).max(4000).optional(),
});
const integrationId = () => z.string().min(1).max(64);

/**
 * No texts between `start` and `end` (local time in `timeZone`; a window may wrap midnight, 21:00–08:00). A text
 * due then is deferred to the window's end (a follow-up run at that time sends it), or skipped with the reason.
 */
export const QuietHoursSchema = z.lazy(() =>
  z.strictObject({
    start: clock(),
    end: clock(),
    timeZone: TimeZoneSchema,
    then: z.enum(['defer', 'skip']).default('defer'),
  }),
);
export type QuietHours = z.infer<typeof QuietHoursSchema>;

export const SmsActionSchema = z.lazy(() =>
  z
    .strictObject({
      type: z.literal('sms'),
      ...common(),
      /** A `twilio` integration (its Account SID and auth token). */
      integrationId: integrationId(),
      to: tpl(200),
      from: tpl(200).optional(),
      messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'a Messaging Service SID (MG…)').optional(),
      body: tpl(1600).min(1),
      /** Numbers never texted, besides those that replied STOP to the integration's numbers. */
      optOut: z.array(e164()).max(1000).default([]),
      quietHours: QuietHoursSchema.optional(),
    })
    .refine((a) => a.from !== undefined || a.messagingServiceSid !== undefined, { message: 'an sms action needs from or messagingServiceSid', path: ['from'] }),
);

export const EmailActionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('email'),
    ...common(),
    /** A `sendgrid` or `smtp` integration. */
    integrationId: integrationId(),
    to: tpl(1000),
    subject: tpl(998),
    html: tpl(100_000),
    text: tpl(100_000).optional(),
  }),
);

export const SlackActionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('slack'),
    ...common(),
    /** A `slack` integration (incoming webhook). */
    integrationId: integrationId(),
    /** The notification text (and the message, when there are no blocks); mrkdwn, record values escaped. */
    text: tpl(3000).min(1),
    /** Block Kit blocks, their strings templates. https://api.slack.com/block-kit */
    blocks: z.array(z.record(z.string().max(100), tree)).max(50).optional(),
  }),
);

export const WebhookActionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('webhook'),
    ...common(),
    /** A `custom_api` integration: base URL, auth; its `token` also signs the body (X-Switchboard-Signature). */
    integrationId: integrationId(),
    path: tpl(2000).regex(/^\//, 'a path starting with /'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    body: z.record(z.string().max(200), tree),
  }),
);

export const Ga4ActionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('ga4'),
    ...common(),
    /** A `ga4` integration (measurement id and API secret). */
    integrationId: integrationId(),
    clientId: tpl(200).min(1),
    userId: tpl(256).optional(),
    /** The event name (`generate_lead`): letters, digits and _, starting with a letter, at most 40; GA4's reserved prefixes refused. (`name` is the step's, as on every action.) */
    event: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'letters, digits and _, starting with a letter, at most 40')
      .refine((n) => !/^(firebase_|ga_|google_)/.test(n), 'a reserved prefix (firebase_, ga_, google_)'),
    params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'a GA4 parameter name'), tree).refine((p) => Object.keys(p).length <= 25, 'at most 25 params').default({}),
  }),
);

export const DatadogActionSchema = z.lazy(() =>
  z.strictObject({
    type: z.literal('datadog'),
    ...common(),
    /** A `datadog` integration. */
    integrationId: integrationId(),
    metric: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,199}$/, 'a metric name: letters, digits, _ and ., starting with a letter'),
    metricType: z.enum(['count', 'rate', 'gauge']).default('count'),
    /** A number (a template such as `${call_duration:seconds}`); 1 by default, one per record. */
    value: tpl(200).default('1'),
    tags: z.array(tpl(200)).max(20).default([]),
  }),
);

export const ActionSchema = z.lazy(() => z.discriminatedUnion('type', [SmsActionSchema, EmailActionSchema, SlackActionSchema, WebhookActionSchema, Ga4ActionSchema, DatadogActionSchema]));
export type Action = z.infer<typeof ActionSchema>;
export type ActionType = Action['type'];
export const ActionsSchema = z.lazy(() => z.array(ActionSchema).max(10));

/** A flow's switch sending each run's figures to Datadog as metrics (`<prefix>.records_processed` …, tagged flow:<id>). */
export const RunMetricsSchema = z.lazy(() =>
  z.strictObject({
    integrationId: integrationId(),
    prefix: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,99}$/).default('switchboard.flow'),
    tags: z.array(z.string().max(200)).max(20).default([]),
  }),
);
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** The integration types each action writes through. */
export const ACTION_INTEGRATIONS: Record<ActionType, string[]> = {
  sms: ['twilio'],
  email: ['sendgrid', 'smtp'],
  slack: ['slack'],
  webhook: ['custom_api'],
  ga4: ['ga4'],
  datadog: ['datadog'],
};

/** The fields of each action that are templates (rendered per record). */
export const TEMPLATE_FIELDS: Record<ActionType, string[]> = {
  sms: ['to', 'from', 'body'],
  email: ['to', 'subject', 'html', 'text'],
  slack: ['text', 'blocks'],
  webhook: ['path', 'body'],
  ga4: ['clientId', 'userId', 'params'],
  datadog: ['value', 'tags'],
};

/** Each action's step name in the ledger: its `name`, else its type, numbered from the second of a type on. */
export function stepNames(actions: Action[]): string[] {
  const seen = new Map<string, number>();
  return actions.map((a) => {
    if (a.name) return a.name;
    const n = (seen.get(a.type) ?? 0) + 1;
    seen.set(a.type, n);
    return n === 1 ? a.type : `${a.type}#${n}`;
  });
}
