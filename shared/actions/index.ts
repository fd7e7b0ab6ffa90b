import { datadogSender } from './datadog';
import { emailSender } from './email';
import { ga4Sender } from './ga4';
import type { ActionType } from './schema';
import { slackSender } from './slack';
import { smsSender } from './sms';
import type { ActionSender } from './types';
import { webhookSender } from './webhook';

/** The sender of each action type. */
export const senders: Record<ActionType, ActionSender> = {
  sms: smsSender as ActionSender,
  email: emailSender as ActionSender,
  slack: slackSender as ActionSender,
  webhook: webhookSender as ActionSender,
  ga4: ga4Sender as ActionSender,
  datadog: datadogSender as ActionSender,
};

export { ActionSchema, ActionsSchema, RunMetricsSchema, ACTION_INTEGRATIONS, stepNames, type Action } from './schema';
export { compileAction } from './render';
export { OptOutStore } from './opt-out';
export { submitSeries, METRIC_TYPES } from './datadog';
export type { ActionOutcome, SendContext } from './types';
