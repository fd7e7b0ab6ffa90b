import { storeOnlySource, writeRecords } from '../flows/helpers';
import { flowKit } from './helpers';
import { api } from '../helpers/http';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startSendGridSandbox, type SendGridSandbox } from '../sandboxes/sendgrid';

/** The email action through the mail interface the reports use: a real SMTP server, and the SendGrid sandbox. */
describe('Email action (smtp, sendgrid)', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let smtp: SmtpTestServer;
  let sg: SendGridSandbox;
  let sourceId: string;
  let smtpId: string;
  let sgId: string;

  const email = (integrationId: string, extra: Record<string, unknown> = {}) => ({
    type: 'email', integrationId, to: '${Email}', subject: 'Thanks, ${Name}', html: '<p>Hello <b>${Name}</b>, your quote is ${Amount}.</p>', text: 'Hello ${Name}', ...extra,
  });
  const kit = () => flowKit(stack, call, () => ({ integrationId: sourceId, dataType: 'leads' }));
  const flow = (filter: string, actions: unknown[]) => kit().create({ source: { integrationId: sourceId, dataType: 'leads', filter }, actions });
  const run = (flowId: string) => kit().run(flowId);

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    smtp = await startSmtpServer({ rejectRecipients: ['gone@example.com'] });
    sg = await startSendGridSandbox({ apiKey: 'SG.key-for-tests' });
    sourceId = await storeOnlySource(call);
    await writeRecords(stack, sourceId, [
      { Id: 'E1', Email: 'ann@example.com', Name: 'Ann <script>x</script>', Amount: '$250' },
      { Id: 'E2', Email: 'gone@example.com', Name: 'Gone', Amount: '$1' },
      { Id: 'E3', Name: 'No address' },
      { Id: 'E4', Email: 'bob@example.com', Name: 'Bob', Amount: '$90' },
    ]);
    smtpId = (await call('POST', '/api/integrations', { name: 'Mail', type: 'smtp', config: { host: '127.0.0.1', port: smtp.port, from: 'Sales <sales@example.com>' } })).body.id;
    sgId = (await call('POST', '/api/integrations', { name: 'SG', type: 'sendgrid', config: { baseUrl: sg.url, apiKey: 'SG.key-for-tests', from: 'noreply@example.com' } })).body.id;
  });
  afterAll(async () => {
    await Promise.all([stack.close(), smtp.close(), sg.close()]);
  });

  it('mails each record through SMTP once, HTML-escaping record values; a refused recipient fails alone; no address is skipped', async () => {
    const flowId = await flow("Id in ['E1', 'E2', 'E3']", [email(smtpId)]);
    const r = await run(flowId);
    expect(r.actions.email).toMatchObject({ sent: 1, failed: 1, skipped: 1 });
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0];
    expect([m.from, m.to, m.mail.subject]).toEqual(['sales@example.com', ['ann@example.com'], 'Thanks, Ann <script>x</script>']);
    expect(m.mail.html).toContain('<p>Hello <b>Ann &lt;script&gt;x&lt;/script&gt;</b>, your quote is $250.</p>');
    expect(m.mail.text?.trim()).toBe('Hello Ann <script>x</script>');
    expect(r.errors).toEqual([{ sourceId: 'E2', target: 'action email', reason: expect.stringContaining('550') }]);
    const step = (await kit().steps(flowId, 'E1')).email;
    expect(step).toMatchObject({ status: 'sent', id: m.mail.messageId });
    await run(flowId);
    expect(smtp.received).toHaveLength(1);
  });

  it('mails through SendGrid v3 mail send, waiting out a 429', async () => {
    const flowId = await flow("Id = 'E4'", [email(sgId)]);
    sg.throttleNext(1, { retryAfter: 1 });
    const r = await run(flowId);
    expect(r.actions.email).toMatchObject({ sent: 1, failed: 0 });
    expect(sg.requests.map((x) => x.status)).toEqual([429, 202]);
    expect(sg.sent[0].body).toMatchObject({ personalizations: [{ to: [{ email: 'bob@example.com' }] }], from: { email: 'noreply@example.com' }, subject: 'Thanks, Bob' });
    const step = (await kit().steps(flowId, 'E4')).email;
    expect(step).toMatchObject({ status: 'sent', id: sg.sent[0].messageId });
  });
});
