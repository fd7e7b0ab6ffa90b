import { encodeTime } from 'ulid';
import { AppError } from '../errors';
import { createLogger, type Logger } from '../log';
import { SmtpMailer, type SmtpOptions } from '../mail/smtp';
import type { Mailer } from '../mail/types';
import type { App } from '../services/app';
import { integrationMailer } from '../services/mailer';
import { chartPng, chartsOf } from './charts';
import { EmailConfigSchema, type EmailConfig, type EmailRecipient } from './email-config';
import { figuresOf, hasErrors, isEmpty, type ReportFigures, type ReportFlowInput, type ReportRunInput } from './figures';
import { reportHtml, reportText, title } from './html';
import { dayBefore, localDay, zoneOf } from './days';
import { ReportStore, type MailOutcome, type StoredReport } from './store';

const defaultLog = createLogger({ component: 'reports' });

export interface ReportOptions {
  log?: Logger;
  /** Waits of the SendGrid client (tests record them). */
  sleep?: (ms: number) => Promise<void>;
  smtp?: SmtpOptions;
  now?: () => number;
}

/**
 * The report of one finished run: stored (the web view), then mailed per the flow's `settings.email` (seed 004's
 * email_config.json): to recipients with `receive_daily`, and to those with `receive_errors` when the run had
 * errors; not when the run asked `noEmail`, nor when nothing happened and `send_empty_reports` is off. A run is
 * reported once (the report id is the run id), and the flow is listed for the daily report. A realtime run is one
 * change: it reaches the daily report only. Never throws for a mail failure: the stored report says how it went.
 */
export async function reportRun(app: App, flow: ReportFlowInput, run: ReportRunInput, opts: ReportOptions = {}): Promise<StoredReport | undefined> {
  const email = emailSettings(flow);
  if (email.config) await new ReportStore(app.db).registerDaily(flow.tenantId, flow.id, dayBefore(localDay(opts.now?.() ?? Date.now(), zoneOf(flow))));
  if (run.trigger === 'realtime') return undefined;
  const figures = figuresOf(flow, [run], 'run', run.id);
  const report = await store(app, flow, figures, run.id, opts);
  if (!report) return undefined;
  const skip = run.noEmail ? 'no_email' : undefined;
  return deliver(app, flow, report, figures, email, skip, opts);
}

/** The daily report of `day` (yyyy-mm-dd): the day's runs added up, mailed to recipients with `receive_daily`; undefined when already made. */
export async function reportDay(app: App, flow: ReportFlowInput, runs: ReportRunInput[], day: string, opts: ReportOptions = {}): Promise<StoredReport | undefined> {
  const figures = figuresOf(flow, runs, 'daily', day);
  const report = await store(app, flow, figures, dailyReportId(day), opts);
  return report ? deliver(app, flow, report, figures, emailSettings(flow), undefined, opts) : undefined;
}

/** A ULID-shaped id of the day's end, the same for every attempt: a day is reported once, sorted among the run reports. */
export const dailyReportId = (day: string) => `${encodeTime(Date.parse(day) + 86_400_000, 10)}DAILY${day.replace(/-/g, '')}000`;

async function store(app: App, flow: ReportFlowInput, f: ReportFigures, id: string, opts: ReportOptions): Promise<StoredReport | undefined> {
  const report: StoredReport = {
    id,
    flowId: flow.id,
    tenantId: flow.tenantId,
    kind: f.kind,
    subject: f.subject,
    title: title(f),
    createdAt: new Date(opts.now?.() ?? Date.now()).toISOString(),
    hasErrors: hasErrors(f),
    empty: isEmpty(f),
    totals: {
      runs: f.runs,
      processed: f.summary.records_processed,
      succeeded: f.summary.successful_transfers,
      failed: f.summary.failed_transfers,
      ...(f.calls ? { calls: f.calls.processed, leadsCreated: f.calls.leadsCreated, leadsUpdated: f.calls.leadsUpdated } : {}),
    },
    mail: { status: 'pending', recipients: 0 },
    html: reportHtml(f, chartsOf(f, officeNames(flow)), 'web', officeNames(flow)),
  };
  return (await new ReportStore(app.db).create(report)) ? report : undefined;
}

async function deliver(app: App, flow: ReportFlowInput, report: StoredReport, f: ReportFigures, email: Email, skip: string | undefined, opts: ReportOptions): Promise<StoredReport> {
  const log = opts.log ?? defaultLog;
  const cfg = email.config;
  const to = cfg ? recipientsFor(cfg, f) : [];
  const reason = email.invalid ? `invalid settings.email: ${email.invalid}` : !cfg ? 'no_email_settings' : skip ?? (!to.length ? 'no_recipients' : report.empty && !cfg.report_settings.send_empty_reports ? 'empty' : undefined);
  let mail: MailOutcome = { status: 'not_sent', recipients: 0, ...(reason ? { reason } : {}) };
  if (cfg && !reason) {
    const charts = cfg.report_settings.include_charts ? chartsOf(f, officeNames(flow)) : [];
    try {
      const { mailer, via } = await mailerFor(app, flow.tenantId, cfg, opts);
      const sent = await mailer.send({
        ...(cfg.sender_email ? { from: { email: cfg.sender_email, ...(cfg.sender_name ? { name: cfg.sender_name } : {}) } } : {}),
        to: to.map((r) => ({ email: r.email, ...(r.name ? { name: r.name } : {}) })),
        subject: `${report.title}${report.hasErrors ? ' (errors)' : ''}`,
        html: reportHtml(f, charts, 'mail', officeNames(flow)),
        text: reportText(f),
        attachments: charts.map((c) => ({ filename: `${c.id}.png`, contentType: 'image/png', content: chartPng(c), cid: `${c.id}@switchboard` })),
      });
      mail = { status: 'sent', recipients: to.length, via, charts: charts.length, ...(sent.messageId ? { messageId: sent.messageId } : {}) };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      log.warn('report mail failed', { flowId: flow.id, reportId: report.id, error: err });
      mail = { status: 'failed', recipients: to.length, reason: err.message.slice(0, 500) };
    }
  }
  await new ReportStore(app.db).setMail(flow.id, report.id, mail);
  return { ...report, mail };
}

/** receive_daily: every run's report and the daily one; receive_errors: the report of a run with errors. */
export function recipientsFor(cfg: EmailConfig, f: ReportFigures): EmailRecipient[] {
  return cfg.recipients.filter((r) => r.receive_daily || (f.kind === 'run' && r.receive_errors && hasErrors(f)));
}

async function mailerFor(app: App, tenantId: string, cfg: EmailConfig, opts: ReportOptions): Promise<{ mailer: Mailer; via: 'smtp' | 'sendgrid' }> {
  if (cfg.integrationId) {
    const type = (await app.integrations.get(tenantId, cfg.integrationId))?.type;
    return { mailer: await integrationMailer(app, tenantId, cfg.integrationId, { log: opts.log, sleep: opts.sleep, smtp: opts.smtp }), via: type === 'sendgrid' ? 'sendgrid' : 'smtp' };
  }
  // seed 004's file: smtp_server without a login; use_tls is implicit TLS on 465 and required STARTTLS elsewhere.
  const implicit = cfg.use_tls && cfg.smtp_port === 465;
  return { mailer: new SmtpMailer({ host: cfg.smtp_server!, port: cfg.smtp_port, secure: implicit, requireTLS: cfg.use_tls && !implicit }, opts.smtp), via: 'smtp' };
}

interface Email {
  config?: EmailConfig;
  invalid?: string;
}

/** The flow's settings.email (or email), parsed again (the flow API validated it; a flow stored before a schema change may not match). */
function emailSettings(flow: ReportFlowInput): Email {
  const raw = flow.settings?.email ?? flow.email;
  if (raw === undefined) return {};
  const r = EmailConfigSchema.safeParse(raw);
  return r.success ? { config: r.data } : { invalid: r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ').slice(0, 300) };
}

function officeNames(flow: ReportFlowInput): Record<string, string> {
  return Object.fromEntries(Object.entries(flow.settings?.offices ?? {}).map(([id, o]) => [id, o?.name ?? id]));
}
