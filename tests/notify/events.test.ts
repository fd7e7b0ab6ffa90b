import {
  NotificationChannelInputSchema, NotificationChannelSchema, NotificationDataSchemas, channelFromInput, generateWebhookSecret,
} from '../../shared/notify';
import { secretFields } from '../../shared/connectors/secret';

describe('Schema: notification channels', () => {
  it('accepts a webhook channel and generates its secret', () => {
    const input = NotificationChannelInputSchema.parse({ kind: 'webhook', url: 'https://example.com/hook', events: ['run.failed', 'run.failed', 'daily.summary'] });
    expect(input.events).toEqual(['run.failed', 'daily.summary']);
    const a = channelFromInput(input);
    const b = channelFromInput(input);
    expect(a.kind).toBe('webhook');
    if (a.kind !== 'webhook' || b.kind !== 'webhook') throw new Error('unreachable');
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
    expect(NotificationChannelSchema.parse(a)).toEqual(a);
  });

  it('accepts a Slack channel without a secret', () => {
    const ch = channelFromInput(NotificationChannelInputSchema.parse({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x', events: ['integration.error'] }));
    expect(ch).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x', events: ['integration.error'] });
  });

  it('refuses a client-chosen secret, unknown events, empty events and non-http URLs', () => {
    const ok = { kind: 'webhook', url: 'https://example.com/hook', events: ['run.failed'] };
    expect(NotificationChannelInputSchema.safeParse(ok).success).toBe(true);
    expect(NotificationChannelInputSchema.safeParse({ ...ok, secret: 'mine' }).success).toBe(false);
    expect(NotificationChannelInputSchema.safeParse({ ...ok, events: ['run.exploded'] }).success).toBe(false);
    expect(NotificationChannelInputSchema.safeParse({ ...ok, events: [] }).success).toBe(false);
    expect(NotificationChannelInputSchema.safeParse({ ...ok, url: 'ftp://example.com/x' }).success).toBe(false);
    expect(NotificationChannelInputSchema.safeParse({ ...ok, kind: 'email' }).success).toBe(false);
  });

  it('requires a long secret on a stored webhook channel', () => {
    expect(NotificationChannelSchema.safeParse({ kind: 'webhook', url: 'https://e.com/', events: ['run.failed'] }).success).toBe(false);
    expect(NotificationChannelSchema.safeParse({ kind: 'webhook', url: 'https://e.com/', events: ['run.failed'], secret: 'short' }).success).toBe(false);
    expect(NotificationChannelSchema.safeParse({ kind: 'webhook', url: 'https://e.com/', events: ['run.failed'], secret: generateWebhookSecret() }).success).toBe(true);
  });

  it('marks the webhook secret and the Slack URL as secret fields', () => {
    const [slack, webhook] = NotificationChannelSchema.options;
    expect(secretFields(slack)).toEqual(['url']);
    expect(secretFields(webhook)).toEqual(['secret']);
  });

  it('validates event payloads', () => {
    expect(NotificationDataSchemas['daily.summary'].safeParse({ date: '2024-05-01', integrations: [] }).success).toBe(true);
    expect(NotificationDataSchemas['daily.summary'].safeParse({ date: 'May 1', integrations: [] }).success).toBe(false);
    expect(NotificationDataSchemas['run.failed'].safeParse({ integrationId: 'i', integrationName: 'n', type: 't', runId: 'r' }).success).toBe(true);
  });
});
