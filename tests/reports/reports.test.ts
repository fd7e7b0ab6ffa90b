import type { Browser } from 'playwright-core';
import { queueDueDailyReports } from '../../shared/handlers/daily-reports';
import { FlowRunStore, FlowStore, type FlowItem, type FlowRun } from '../../shared/flows/store';
import { emptyCalls } from '../../shared/flows/calls/figures';
import { reportRun } from '../../shared/reports/service';
import { ReportStore } from '../../shared/reports/store';
import { launchChromium } from '../dashboard/browser';
import { api } from '../helpers/http';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../helpers/smtp';
import { startTestStack, type TestStack } from '../helpers/stack';
import { runFlow, restTarget, storeOnlySource, writeRecords } from '../flows/helpers';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { startSendGridSandbox, type SendGridSandbox } from '../sandboxes/sendgrid';
import { barHeights } from './chart-pixels';

/** The value cell next to a label cell in the report's tables. */
const figure = (html: string, label: string) => new RegExp(`>${label}</td><td[^>]*>([^<]*)</td>`).exec(html)?.[1];

/** A calls_to_leads run as the calls flow leaves it: its counters with their chart breakdowns, and coded errors. */
function callsRun(id: string, over: Partial<FlowRun> & Record<string, unknown> = {}): FlowRun {
  return {
    id, flowId: '', tenantId: '', trigger: 'manual', status: 'partial', dryRun: false, createdAt: '2026-12-02T13:00:00.000Z', startedAt: '2026-12-02T13:00:00.000Z', finishedAt: '2026-12-02T13:01:30.000Z',
    sync_summary: { records_processed: 11, successful_transfers: 8, failed_transfers: 1, duplicates_skipped: 0, sync_duration: '90.0 seconds' },
    data_quality: { completeness_score: 1, validation_errors: 0, missing_required_fields: [] },
    stats: { created: 4, updated: 4, unchanged: 0, filtered: 0, skipped: 2, requests: 40, retries: 1, http429: 1, durationMs: 90_000 },
    next_sync: null,
    errors: [{ sourceId: 'call-9', target: 'Leads', reason: 'zoho POST /crm/v8/Leads answered 422 (INVALID_DATA Last_Name)', code: 'ZOHO-422' } as FlowRun['errors'][number]],
    error: null,
    calls: {
      processed: 9, leadsCreated: 4, leadsUpdated: 4, notesAdded: 8, attachmentsAdded: 3, skipped: { internal_call: 1, extension_not_processed: 1 }, failed: 1,
      byType: { accepted: 5, missed: 3, missed_with_voicemail: 1 }, byOffice: { philadelphia: 6, pittsburgh: 3 }, byHour: Array.from({ length: 24 }, (_, h) => ({ 9: 2, 10: 4, 14: 3 })[h] ?? 0),
    },
    ...over,
  } as FlowRun;
}

describe('Flow reports', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let smtp: SmtpTestServer;
  let hook: CatchHook;
  let sg: SendGridSandbox;
  let browser: Browser;
  let sourceId: string;
  let hookId: string;

  /** seed 004's email_config.json, pointed at the local SMTP server; three recipients, one per rule. */
  const emailConfig = (over: Record<string, unknown> = {}) => ({
    smtp_server: '127.0.0.1', smtp_port: smtp.port, use_tls: false, sender_email: 'integration@example.com', sender_name: 'RC-Zoho Integration',
    recipients: [
      { name: 'Admin', email: 'admin@example.com', receive_daily: true, receive_errors: true },
      { name: 'Manager', email: 'manager@example.com', receive_daily: true, receive_errors: false },
      { name: 'On call', email: 'oncall@example.com', receive_daily: false, receive_errors: true },
    ],
    report_settings: { send_empty_reports: false, include_charts: true },
    ...over,
  });

  /** A flow to the catch hook (which refuses records without an email), its settings.email set as the calls flow stores it. */
  async function flowWithEmail(email: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Promise<FlowItem> {
    const created = await call('POST', '/api/flows', { name: 'Calls to leads', source: { integrationId: sourceId, dataType: 'leads' }, target: { integrationId: hookId, path: '/hooks/catch/1/a/', method: 'POST' }, mapping: { email: '${Email}' } });
    expect(created.status).toBe(201);
    const settings = { ...(email ? { email } : {}), offices: { philadelphia: { name: 'Philadelphia Office' }, pittsburgh: { name: 'Pittsburgh Office' } } };
    return (await new FlowStore(stack.app.db).update(stack.tenantId, created.body.id, (f) => ({ ...f, settings, ...extra }) as unknown as FlowItem))!;
  }

  beforeAll(async () => {
    [stack, smtp, hook, sg, browser] = await Promise.all([startTestStack({ port: 0 }), startSmtpServer(), startCatchHook({ requireEmail: true }), startSendGridSandbox({ apiKey: 'SG.reports-key' }), launchChromium()]);
    call = api(stack.url!, stack.apiKey);
    sourceId = await storeOnlySource(call);
    hookId = await restTarget(call, hook.url);
  });
  afterAll(async () => {
    await Promise.all([stack.close(), smtp.close(), hook.close(), sg.close(), browser.close()]);
  });

  const lastMail = (): ReceivedMail => smtp.received.at(-1)!;

  it('mails a calls run with errors to receive_daily and receive_errors recipients, with its figures, error codes and chart PNGs', async () => {
    const flow = await flowWithEmail(emailConfig());
    const before = smtp.received.length;
    const report = await reportRun(stack.app, flow, callsRun('01KCALLSRUN0000000000000001'));
    expect(report?.mail).toMatchObject({ status: 'sent', recipients: 3, via: 'smtp', charts: 4 });
    expect(smtp.received.length - before).toBe(1);

    const got = lastMail();
    expect(got.to).toEqual(['admin@example.com', 'manager@example.com', 'oncall@example.com']);
    expect(got.mail.subject).toBe('Run report: Calls to leads (errors)');
    const html = got.mail.html as string;
    expect([figure(html, 'Calls processed'), figure(html, 'Leads created'), figure(html, 'Leads updated'), figure(html, 'Notes added'), figure(html, 'Attachments added'), figure(html, 'Calls skipped'), figure(html, 'Calls failed')])
      .toEqual(['9', '4', '4', '8', '3', '2', '1']);
    expect([figure(html, 'accepted'), figure(html, 'missed'), figure(html, 'missed with voicemail')]).toEqual(['5', '3', '1']);
    expect([figure(html, 'Philadelphia Office'), figure(html, 'Pittsburgh Office')]).toEqual(['6', '3']);
    expect([figure(html, 'internal call'), figure(html, 'extension not processed')]).toEqual(['1', '1']);
    expect(html).toContain('>ZOHO-422</td><td style="text-align:left;padding:4px 10px 4px 0;border-bottom:1px solid #eee;vertical-align:top">Invalid lead data</td>');
    expect(html).toContain('Check field mappings and required fields');
    expect(got.mail.text).toContain('Calls processed: 9');
    expect(got.mail.text).toContain('ZOHO-422 Invalid lead data (1): Check field mappings and required fields');

    // Charts: inline PNGs the HTML points at by cid, each decoded by Chromium with bars as tall as the figures.
    const pngs = got.mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(pngs.map((a) => a.cid).sort()).toEqual(['calls-by-office@switchboard', 'calls-by-type@switchboard', 'calls-per-hour@switchboard', 'results@switchboard']);
    for (const a of pngs) expect(html).toContain(`src="cid:${a.cid}"`);
    expect(html).not.toContain('<svg');
    const byType = await barHeights(browser, pngs.find((a) => a.cid === 'calls-by-type@switchboard')!.content, 3);
    expect([byType.width, byType.height]).toEqual([560, 260]);
    expect(byType.heights[1] / byType.heights[0]).toBeCloseTo(3 / 5, 1);
    expect(byType.heights[2] / byType.heights[0]).toBeCloseTo(1 / 5, 1);
    const perHour = await barHeights(browser, pngs.find((a) => a.cid === 'calls-per-hour@switchboard')!.content, 24);
    expect(perHour.heights.map((h, i) => (h > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([9, 10, 14]);
    expect(perHour.heights[10] / perHour.heights[9]).toBeCloseTo(2, 1);

    // Reported once: the same run again makes no second report and no second mail.
    expect(await reportRun(stack.app, flow, callsRun('01KCALLSRUN0000000000000001'))).toBeUndefined();
    expect(smtp.received.length - before).toBe(1);
  });

  it('runs an ordinary flow, stores its report (seed 003 figures, SVG charts) behind the API, and mails only receive_daily recipients when nothing failed', async () => {
    const created = await call('POST', '/api/flows', { name: 'Calls to leads', source: { integrationId: sourceId, dataType: 'leads' }, target: { integrationId: hookId, path: '/hooks/catch/1/a/', method: 'POST' }, mapping: { email: '${Email}' }, email: emailConfig() });
    expect([created.status, created.body.email?.recipients?.length]).toEqual([201, 3]);
    const notMail = await call('PATCH', `/api/flows/${created.body.id}`, { email: emailConfig({ integrationId: hookId }) });
    expect([notMail.status, notMail.body.error.details]).toEqual([400, [{ path: 'email.integrationId', message: 'a custom_api integration sends no mail; use an smtp or sendgrid one' }]]);
    const flow = created.body as FlowItem;
    await writeRecords(stack, sourceId, [{ Id: 'A1', Email: 'a@example.com' }, { Id: 'B2', Email: 'b@example.com' }]);
    const before = smtp.received.length;
    // --no-email: stored, not mailed.
    const quiet = await runFlow(stack, call, flow.id, { noEmail: true });
    expect(smtp.received.length - before).toBe(0);
    expect((await call('GET', `/api/flows/${flow.id}/reports`)).body.reports[0]).toMatchObject({ id: quiet.id, mail: { status: 'not_sent', reason: 'no_email' } });
    await writeRecords(stack, sourceId, [{ Id: 'A1', Email: 'a2@example.com' }, { Id: 'B2', Email: 'b2@example.com' }]);
    const run = await runFlow(stack, call, flow.id);
    expect(run.sync_summary).toMatchObject({ records_processed: 2, successful_transfers: 2, failed_transfers: 0 });
    expect(smtp.received.length - before).toBe(1);
    expect(lastMail().to).toEqual(['admin@example.com', 'manager@example.com']);
    expect(lastMail().mail.subject).toBe('Run report: Calls to leads');
    expect([figure(lastMail().mail.html as string, 'Records processed'), figure(lastMail().mail.html as string, 'Successful transfers')]).toEqual(['2', '2']);

    const list = await call('GET', `/api/flows/${flow.id}/reports`);
    expect(list.status).toBe(200);
    expect(list.body.reports[0]).toEqual(expect.objectContaining({ id: run.id, kind: 'run', subject: run.id, hasErrors: false, empty: false, totals: { runs: 1, processed: 2, succeeded: 2, failed: 0 }, mail: expect.objectContaining({ status: 'sent', recipients: 2 }) }));
    expect(list.body.reports.map((r: { id: string }) => r.id)).toEqual([run.id, quiet.id]);
    expect(list.body.reports[0].html).toBeUndefined();
    const page = await call('GET', `/api/flows/${flow.id}/reports/${run.id}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(figure(page.text, 'Successful transfers')).toBe('2');
    expect(page.text).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page.text).toContain('data-chart="results"');
    expect((await call('GET', `/api/flows/${flow.id}/reports/01KNOSUCHREPORT0000000000X`)).body.error.code).toBe('report_not_found');
    const other = await stack.app.tenants.createTenant('other');
    expect((await api(stack.url!, other.apiKey)('GET', `/api/flows/${flow.id}/reports`)).status).toBe(404);
  });

  it('keeps an empty run quiet unless send_empty_reports, and sends nothing for noEmail or without recipients', async () => {
    const quiet = await flowWithEmail(emailConfig());
    const before = smtp.received.length;
    const empty = { sync_summary: { records_processed: 0, successful_transfers: 0, failed_transfers: 0, duplicates_skipped: 0, sync_duration: '0.1 seconds' }, errors: [], status: 'succeeded' as const, calls: emptyCalls() };
    expect((await reportRun(stack.app, quiet, callsRun('01KEMPTY000000000000000001', empty)))?.mail).toEqual({ status: 'not_sent', recipients: 0, reason: 'empty' });
    const loud = await flowWithEmail(emailConfig({ report_settings: { send_empty_reports: true, include_charts: false } }));
    expect((await reportRun(stack.app, loud, callsRun('01KEMPTY000000000000000002', empty)))?.mail).toMatchObject({ status: 'sent', recipients: 2, charts: 0 });
    expect(lastMail().mail.attachments).toEqual([]);
    expect(lastMail().mail.html).not.toContain('cid:');
    expect((await reportRun(stack.app, loud, callsRun('01KNOEMAIL0000000000000001', { noEmail: true })))?.mail).toEqual({ status: 'not_sent', recipients: 0, reason: 'no_email' });
    const nobody = await flowWithEmail(emailConfig({ recipients: [{ email: 'errors-only@example.com', receive_daily: false, receive_errors: true }] }));
    expect((await reportRun(stack.app, nobody, callsRun('01KNOBODY00000000000000001', { ...empty, calls: { ...empty.calls, processed: 3 } })))?.mail).toEqual({ status: 'not_sent', recipients: 0, reason: 'no_recipients' });
    const none = await flowWithEmail(undefined);
    expect((await reportRun(stack.app, none, callsRun('01KNOSETTINGS0000000000001')))?.mail).toEqual({ status: 'not_sent', recipients: 0, reason: 'no_email_settings' });
    expect(smtp.received.length - before).toBe(1);
  });

  it('sends through a sendgrid integration (charts inline) and records an SMTP failure as SMTP-001 on the report', async () => {
    const grid = await call('POST', '/api/integrations', { name: 'SG', type: 'sendgrid', config: { baseUrl: sg.url, apiKey: 'SG.reports-key' } });
    const flow = await flowWithEmail(emailConfig({ smtp_server: undefined, integrationId: grid.body.id }));
    const r = await reportRun(stack.app, flow, callsRun('01KSENDGRID000000000000001'));
    expect(r?.mail).toMatchObject({ status: 'sent', via: 'sendgrid', recipients: 3, messageId: sg.sent.at(-1)!.messageId });
    const body = sg.sent.at(-1)!.body;
    expect(body.from).toEqual({ email: 'integration@example.com', name: 'RC-Zoho Integration' });
    expect(body.attachments.map((a: { content_id: string; disposition: string; type: string }) => [a.content_id, a.disposition, a.type])).toContainEqual(['calls-by-type@switchboard', 'inline', 'image/png']);
    expect(Buffer.from(body.attachments[0].content, 'base64').subarray(1, 4).toString()).toBe('PNG');

    const down = await flowWithEmail(emailConfig({ smtp_port: 9 }));
    const failed = await reportRun(stack.app, down, callsRun('01KSMTPDOWN000000000000001'));
    expect(failed?.mail).toMatchObject({ status: 'failed', recipients: 3, reason: expect.stringMatching(/^SMTP-001: sending through 127\.0\.0\.1 failed/) });
    expect((await call('GET', `/api/flows/${down.id}/reports`)).body.reports[0].mail.status).toBe('failed');
  });

  it('queues each flow’s daily report once a day after 07:00 in its zone; it adds up the day’s runs and goes to receive_daily recipients', async () => {
    const flow = await flowWithEmail(emailConfig(), { timeZone: 'America/New_York' });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
    const today = (id: string, over: Record<string, unknown> = {}) => callsRun(id, { createdAt: new Date().toISOString(), ...over });
    // Two runs of the flow today, stored as the runner stores them.
    const runs = [today(`01KDAY${'0'.repeat(19)}1`), today(`01KDAY${'0'.repeat(19)}2`, { errors: [], status: 'succeeded' })];
    for (const r of runs) await new FlowRunStore(stack.app.db).save({ ...r, flowId: flow.id, tenantId: stack.tenantId });
    await reportRun(stack.app, flow, { ...runs[0], noEmail: true } as never);

    const tomorrow8 = new Date(Date.parse(`${day}T08:00:00-05:00`) + 86_400_000);
    const early = new Date(tomorrow8.getTime() - 2 * 3_600_000);
    const entry = async () => (await new ReportStore(stack.app.db).dailyFlows()).find((e) => e.flowId === flow.id)!;
    expect((await entry()).lastDay < day).toBe(true);
    // 06:00 in New York: the flows of the earlier tests (UTC) are due and go out now; this one is not yet.
    await queueDueDailyReports(stack.app, early);
    await stack.queues.drain();
    expect((await entry()).lastDay < day).toBe(true);
    const before = smtp.received.length;
    const [first, second] = await Promise.all([queueDueDailyReports(stack.app, tomorrow8), queueDueDailyReports(stack.app, tomorrow8)]);
    expect(first.queued + second.queued).toBe(1);
    await stack.queues.drain();
    expect(smtp.received.length - before).toBe(1);
    const got = lastMail();
    expect(got.to).toEqual(['admin@example.com', 'manager@example.com']);
    expect(got.mail.subject).toBe(`Daily report: Calls to leads (errors)`);
    expect([figure(got.mail.html as string, 'Calls processed'), figure(got.mail.html as string, 'Leads created')]).toEqual(['18', '8']);
    expect(got.mail.html).toContain(`${day} · 2 runs`);
    const reports = (await call('GET', `/api/flows/${flow.id}/reports`)).body.reports;
    expect(reports[0]).toMatchObject({ kind: 'daily', subject: day, totals: expect.objectContaining({ runs: 2, calls: 18 }) });
    expect((await queueDueDailyReports(stack.app, new Date(tomorrow8.getTime() + 3_600_000))).queued).toBe(0);
  });
});
