import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * A Slack incoming webhook, written to by flow actions. The URL is the credential (its path carries the token),
 * so the whole URL is the sealed secret and it is only ever sent to itself.
 * https://api.slack.com/messaging/webhooks
 */
export const SlackConfigSchema = z.lazy(() =>
  z.object({
    webhookUrl: secret(z.url({ protocol: /^https?$/ }).max(500)),
  }),
);
export type SlackConfig = z.infer<typeof SlackConfigSchema>;

export const slackSpec = {
  type: 'slack',
  title: 'Slack (incoming webhook)',
  description: 'Posts Block Kit messages to a Slack channel through an incoming webhook (flow actions).',
  configSchema: SlackConfigSchema,
  dataTypes: () => [],
  defaultDataTypes: [],
  // Slack allows one message per second per incoming webhook, with short bursts (429 + Retry-After beyond).
  // https://api.slack.com/apis/rate-limits
  rateLimit: { requests: 1, windowMs: 1_000 },
  destinationOnly: true,
} satisfies ConnectorSpec<typeof SlackConfigSchema>;
