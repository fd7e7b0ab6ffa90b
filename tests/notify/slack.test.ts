import { type SlackMessage, escapeSlack, formatDailySummary, formatSlack } from '../../shared/notify';

const body = (m: SlackMessage) => m.blocks.map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(' ') ?? '').join('\n');
const run = { integrationId: 'int_1', integrationName: 'HubSpot CRM', type: 'hubspot', runId: 'run_01J', stream: 'contacts' };

describe('Function: formatSlack', () => {
  it('formats run.failed like the seed alert: title, integration, error, time, action, link', () => {
    const m = formatSlack('run.failed', { ...run, error: 'Rate Limit Exceeded', finishedAt: '2024-05-01T14:30:00Z', url: 'https://dash.example.com/runs/run_01J' });
    expect(m.text).toBe('Sync run failed: HubSpot CRM');
    const t = body(m);
    expect(t).toContain('🚨 *Sync Run Failed*');
    expect(t).toContain('• Integration: HubSpot CRM (hubspot)');
    expect(t).toContain('• Stream: contacts');
    expect(t).toContain('• Error: Rate Limit Exceeded');
    expect(t).toContain('• Time: <!date^1714573800^{date_short_pretty} {time}|2024-05-01 14:30 UTC>');
    expect(t).toContain('Action Required');
    expect(t).toContain('<https://dash.example.com/runs/run_01J|View Details>');
  });

  it('formats run.succeeded with records and duration', () => {
    const t = body(formatSlack('run.succeeded', { ...run, recordsRead: 1200, recordsChanged: 34, durationMs: 83_000 }));
    expect(t).toContain('✅ *Sync Run Succeeded*');
    expect(t).toContain('• Records read: 1,200');
    expect(t).toContain('• Records changed: 34');
    expect(t).toContain('• Duration: 1m 23s');
    expect(t).toContain('Run run_01J');
  });

  it('formats integration.error and integration.recovered', () => {
    const err = body(formatSlack('integration.error', { ...run, error: 'Authentication Failed', at: '2024-05-01T10:00:00Z' }));
    expect(err).toContain('⚠️ *Integration Error*');
    expect(err).toContain('• Error: Authentication Failed');
    const ok = formatSlack('integration.recovered', { ...run, since: '2024-05-01T10:00:00Z', at: '2024-05-01T10:45:30Z' });
    expect(ok.text).toBe('Integration recovered: HubSpot CRM');
    expect(body(ok)).toContain('💚 *Integration Recovered*');
    expect(body(ok)).toContain('• Down for: 45m 30s');
  });

  it('formats webhook.rejected_burst', () => {
    const m = formatSlack('webhook.rejected_burst', { integrationName: 'Twilio SMS', provider: 'twilio', rejected: 25, windowMinutes: 5, lastReason: 'bad_signature' });
    expect(m.text).toBe('25 webhook requests rejected for Twilio SMS');
    expect(body(m)).toContain('• Source: Twilio SMS (twilio)');
    expect(body(m)).toContain('• Rejected: 25 requests in the last 5 minutes');
    expect(body(m)).toContain('• Last reason: bad_signature');
  });

  it('escapes tenant text so it cannot inject links or mentions', () => {
    const t = body(formatSlack('run.failed', { ...run, integrationName: '<!channel> & <http://evil|click>', error: 'a > b' }));
    expect(t).toContain('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    expect(t).toContain('• Error: a &gt; b');
    expect(t).not.toContain('<!channel>');
    expect(escapeSlack('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('keeps a section within Slack’s 3000-character limit', () => {
    const m = formatSlack('run.failed', { ...run, error: 'x'.repeat(5000) });
    expect(m.blocks[0].text!.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('Function: formatDailySummary', () => {
  const summary = {
    date: '2024-05-01',
    url: 'https://dash.example.com/reports/2024-05-01',
    integrations: [
      { integrationId: 'a', name: 'HubSpot CRM', type: 'hubspot', runs: 24, failures: 0, recordsChanged: 1203, avgDurationMs: 1000 },
      { integrationId: 'b', name: 'CDK Service', type: 'cdk', runs: 20, failures: 3, recordsChanged: 40, avgDurationMs: 2000 },
      { integrationId: 'c', name: 'Twilio SMS', type: 'twilio', runs: 1, failures: 0, recordsChanged: 1 },
    ],
  };

  it('shows totals and each integration’s runs, records changed and failures, failures first', () => {
    const m = formatDailySummary(summary);
    expect(m.text).toBe('Daily integration summary 2024-05-01: 45 runs, 3 failed, 1244 records changed');
    const t = body(m);
    expect(t).toContain('📊 *Daily Integration Summary - 2024-05-01*');
    expect(t).toContain('✅ *Successful Runs:* 42');
    expect(t).toContain('❌ *Failed Runs:* 3');
    expect(t).toContain('🔄 *Records Changed:* 1,244');
    expect(t).toContain('⏱️ *Average Run Time:* 1.5s'); // (24×1s + 20×2s) / 44 runs
    expect(t).toContain('1. ❌ CDK Service (cdk) - 20 runs, 40 records changed, 3 failures - 85% success');
    expect(t).toContain('2. HubSpot CRM (hubspot) - 24 runs, 1,203 records changed, 0 failures - 100% success');
    expect(t).toContain('3. Twilio SMS (twilio) - 1 run, 1 record changed, 0 failures - 100% success');
    expect(t).toContain('<https://dash.example.com/reports/2024-05-01|Full Report>');
    expect(formatSlack('daily.summary', summary)).toEqual(m);
  });

  it('says so when nothing ran, and caps the list', () => {
    expect(body(formatDailySummary({ date: '2024-05-02', integrations: [] }))).toContain('No integration ran this day');
    const many = Array.from({ length: 25 }, (_, i) => ({ integrationId: `i${i}`, name: `Int ${i}`, type: 'generic', runs: 1, failures: 0, recordsChanged: 0 }));
    const t = body(formatDailySummary({ date: '2024-05-02', integrations: many }));
    expect(t).toContain('20. ');
    expect(t).not.toContain('21. ');
    expect(t).toContain('…and 5 more');
    expect(t).not.toContain('Average Run Time');
  });
});
