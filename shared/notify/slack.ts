import { type DeliveryLog, type DeliveryOptions, deliverJson } from './deliver';
import type {
  DailySummary, IntegrationEventData, NotificationDataMap, NotificationEvent, RunEventData, WebhookBurstData,
} from './events';

/**
 * Slack incoming-webhook messages: plain JSON `{ text, blocks }`. `text` is the notification fallback,
 * `blocks` the rendered message in mrkdwn. https://api.slack.com/messaging/webhooks
 * Layout follows seed 002's examples ("🚨 *Workflow Failed*" with • lines, and the "📊 Daily Summary").
 */
export interface SlackBlock {
  type: 'section' | 'context';
  text?: { type: 'mrkdwn'; text: string };
  elements?: Array<{ type: 'mrkdwn'; text: string }>;
}
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack asks for &, < and > to be escaped in mrkdwn; tenant-provided names and errors go through this. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// A section's text is limited to 3000 characters.
const SECTION_MAX = 3000;
const clip = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max - 1) + '…');

const fmtNumber = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = one + 's') => `${fmtNumber(n)} ${n === 1 ? one : many}`;

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const min = Math.floor(ms / 60_000);
  return `${min}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** Slack's date token renders in the reader's time zone; the fallback is UTC. */
function fmtTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  const fallback = new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function link(url: string | undefined, label: string): string | undefined {
  // A URL containing | or > would break out of the link syntax; such a URL is left out.
  return url && !/[|<>\s]/.test(url) ? `<${url}|${label}>` : undefined;
}

function message(fallback: string, lines: Array<string | undefined>, footer?: string): SlackMessage {
  const text = clip(lines.filter((l): l is string => l !== undefined).join('\n'), SECTION_MAX);
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] });
  return { text: fallback, blocks };
}

const who = (d: { integrationName: string; type: string }) => `${escapeSlack(d.integrationName)} (${escapeSlack(d.type)})`;

function runFailed(d: RunEventData): SlackMessage {
  return message(
    `Sync run failed: ${d.integrationName}`,
    [
      '🚨 *Sync Run Failed*',
      `• Integration: ${who(d)}`,
      d.stream ? `• Stream: ${escapeSlack(d.stream)}` : undefined,
      `• Error: ${escapeSlack(d.error ?? 'unknown error')}`,
      d.recordsChanged !== undefined ? `• Records changed before the failure: ${fmtNumber(d.recordsChanged)}` : undefined,
      fmtTime(d.finishedAt ?? d.startedAt) && `• Time: ${fmtTime(d.finishedAt ?? d.startedAt)}`,
      '• Action Required: check the integration’s credentials and the source’s status',
    ],
    link(d.url, 'View Details') ?? `Run ${escapeSlack(d.runId)}`,
  );
}

function runSucceeded(d: RunEventData): SlackMessage {
  return message(
    `Sync run succeeded: ${d.integrationName}`,
    [
      '✅ *Sync Run Succeeded*',
      `• Integration: ${who(d)}`,
      d.stream ? `• Stream: ${escapeSlack(d.stream)}` : undefined,
      d.recordsRead !== undefined ? `• Records read: ${fmtNumber(d.recordsRead)}` : undefined,
      `• Records changed: ${fmtNumber(d.recordsChanged ?? 0)}`,
      d.durationMs !== undefined ? `• Duration: ${fmtDuration(d.durationMs)}` : undefined,
      fmtTime(d.finishedAt) && `• Time: ${fmtTime(d.finishedAt)}`,
    ],
    link(d.url, 'View Details') ?? `Run ${escapeSlack(d.runId)}`,
  );
}

function integrationError(d: IntegrationEventData): SlackMessage {
  return message(
    `Integration error: ${d.integrationName}`,
    [
      '⚠️ *Integration Error*',
      `• Integration: ${who(d)}`,
      `• Error: ${escapeSlack(d.error ?? 'unknown error')}`,
      fmtTime(d.at ?? d.since) && `• Since: ${fmtTime(d.at ?? d.since)}`,
      '• Scheduled syncs are paused until the integration is fixed or re-enabled',
    ],
    link(d.url, 'View Integration'),
  );
}

function integrationRecovered(d: IntegrationEventData): SlackMessage {
  const down = d.since && d.at ? Date.parse(d.at) - Date.parse(d.since) : NaN;
  return message(
    `Integration recovered: ${d.integrationName}`,
    [
      '💚 *Integration Recovered*',
      `• Integration: ${who(d)}`,
      Number.isFinite(down) && down >= 0 ? `• Down for: ${fmtDuration(down)}` : undefined,
      fmtTime(d.at) && `• Time: ${fmtTime(d.at)}`,
    ],
    link(d.url, 'View Integration'),
  );
}

function webhookBurst(d: WebhookBurstData): SlackMessage {
  const target = d.integrationName ? `${escapeSlack(d.integrationName)} (${escapeSlack(d.provider)})` : escapeSlack(d.provider);
  return message(
    `${d.rejected} webhook requests rejected for ${d.integrationName ?? d.provider}`,
    [
      '🛡️ *Webhook Requests Rejected*',
      `• Source: ${target}`,
      `• Rejected: ${plural(d.rejected, 'request')} in the last ${plural(d.windowMinutes, 'minute')}`,
      d.lastReason ? `• Last reason: ${escapeSlack(d.lastReason)}` : undefined,
      fmtTime(d.at) && `• Time: ${fmtTime(d.at)}`,
      '• Action Required: check the signing secret configured at the source, or whether someone is probing the endpoint',
    ],
  );
}

const MAX_LISTED = 20;

/**
 * Seed 002's daily summary, per integration: runs, records changed, failures; totals on top. Integrations
 * with failures are listed first: that is what the reader needs to act on.
 */
export function formatDailySummary(summary: DailySummary): SlackMessage {
  const list = [...summary.integrations].sort((a, b) => b.failures - a.failures || b.runs - a.runs || a.name.localeCompare(b.name));
  const runs = list.reduce((s, i) => s + i.runs, 0);
  const failures = list.reduce((s, i) => s + i.failures, 0);
  const changed = list.reduce((s, i) => s + i.recordsChanged, 0);
  const timed = list.filter((i) => i.avgDurationMs !== undefined && i.runs > 0);
  const timedRuns = timed.reduce((s, i) => s + i.runs, 0);
  const avg = timedRuns > 0 ? timed.reduce((s, i) => s + (i.avgDurationMs ?? 0) * i.runs, 0) / timedRuns : undefined;

  const lines: Array<string | undefined> = [
    `📊 *Daily Integration Summary - ${summary.date}*`,
    '',
    `✅ *Successful Runs:* ${fmtNumber(runs - failures)}`,
    `❌ *Failed Runs:* ${fmtNumber(failures)}`,
    `🔄 *Records Changed:* ${fmtNumber(changed)}`,
    avg !== undefined ? `⏱️ *Average Run Time:* ${fmtDuration(avg)}` : undefined,
    '',
    '*Integrations:*',
  ];
  if (list.length === 0) lines.push('_No integration ran this day._');
  list.slice(0, MAX_LISTED).forEach((i, n) => {
    const rate = i.runs > 0 ? ` - ${Math.round(((i.runs - i.failures) / i.runs) * 100)}% success` : '';
    const mark = i.failures > 0 ? '❌ ' : '';
    lines.push(
      `${n + 1}. ${mark}${escapeSlack(i.name)} (${escapeSlack(i.type)}) - ${plural(i.runs, 'run')}, ${plural(i.recordsChanged, 'record')} changed, ${plural(i.failures, 'failure')}${rate}`,
    );
  });
  if (list.length > MAX_LISTED) lines.push(`…and ${list.length - MAX_LISTED} more`);

  return message(
    `Daily integration summary ${summary.date}: ${runs} runs, ${failures} failed, ${changed} records changed`,
    lines,
    link(summary.url, 'Full Report'),
  );
}

/** The Slack message for one notification event. */
export function formatSlack<E extends NotificationEvent>(event: E, data: NotificationDataMap[E]): SlackMessage {
  switch (event) {
    case 'run.failed':
      return runFailed(data as RunEventData);
    case 'run.succeeded':
      return runSucceeded(data as RunEventData);
    case 'integration.error':
      return integrationError(data as IntegrationEventData);
    case 'integration.recovered':
      return integrationRecovered(data as IntegrationEventData);
    case 'webhook.rejected_burst':
      return webhookBurst(data as WebhookBurstData);
    case 'daily.summary':
      return formatDailySummary(data as DailySummary);
    default:
      throw new Error(`No Slack format for event ${String(event)}`);
  }
}

/** Posts a Slack message: unsigned (Slack's URL is the credential), same SSRF guard and retries as webhooks. */
export function deliverSlack(input: { url: string; event: NotificationEvent; message: SlackMessage; deliveryId?: string } & DeliveryOptions): Promise<DeliveryLog> {
  const { url, event, message: msg, deliveryId, ...options } = input;
  return deliverJson({ url, event, body: JSON.stringify(msg), deliveryId, options });
}
