import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrationMailer } from '../../shared/services/mailer';
import { api } from '../helpers/http';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startSendGridSandbox, type SendGridSandbox } from '../sandboxes/sendgrid';

/** The destination-only types over the API: sealed and masked secrets, never scheduled or synced, mailers from them. */
describe('smtp and sendgrid integrations', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let smtpServer: SmtpTestServer;
  let sg: SendGridSandbox;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'sb-mail-')) });
    call = api(stack.url!, stack.apiKey);
    smtpServer = await startSmtpServer();
    sg = await startSendGridSandbox({ apiKey: 'SG.key-for-tests' });
  });
  afterAll(async () => {
    await Promise.all([stack.close(), smtpServer.close(), sg.close()]);
  });

  it('an smtp integration keeps its password sealed, shows "***", is never due and cannot be synced', async () => {
    const created = await call('POST', '/api/integrations', {
      name: 'Mail', type: 'smtp', syncInterval: 60,
      config: { host: '127.0.0.1', port: smtpServer.port, username: 'reports', password: 'pw-123456', from: 'Reports <reports@example.com>' },
    });
    expect(created.status).toBe(201);
    expect(created.body.config.password).toBe('***');
    expect(created.text).not.toContain('pw-123456');
    const stored = await stack.app.integrations.get(stack.tenantId, created.body.id);
    expect(stored!.nextSyncAt).toBeNull();
    expect(String(stored!.config.password)).not.toContain('pw-123456');
    expect(await stack.app.integrations.due(new Date(Date.now() + 86_400_000).toISOString())).toEqual([]);
    const sync = await call('POST', `/api/integrations/${created.body.id}/sync`, {});
    expect([sync.status, sync.body.error.code]).toEqual([400, 'nothing_to_sync']);
    const moved = await call('PATCH', `/api/integrations/${created.body.id}`, { config: { host: 'smtp.example.com' } });
    expect([moved.status, moved.body.error.details]).toEqual([400, [{ path: 'config.password', message: expect.stringContaining('supplied again') }]]);
  });

  it('integrationMailer opens the stored config and sends through it (smtp without a login, sendgrid with its key)', async () => {
    const plain = await call('POST', '/api/integrations', { name: 'Relay', type: 'smtp', syncInterval: 60, config: { host: '127.0.0.1', port: smtpServer.port, from: 'Relay <relay@example.com>' } });
    await (await integrationMailer(stack.app, stack.tenantId, plain.body.id)).send({ to: [{ email: 'a@example.com' }], subject: 'via smtp', html: '<p>x</p>' });
    expect(smtpServer.received.at(-1)!.mail.from?.value).toEqual([{ address: 'relay@example.com', name: 'Relay' }]);

    const grid = await call('POST', '/api/integrations', { name: 'SG', type: 'sendgrid', syncInterval: 60, config: { baseUrl: sg.url, apiKey: 'SG.key-for-tests', from: 'noreply@example.com' } });
    expect(grid.body.config.apiKey).toBe('***');
    await (await integrationMailer(stack.app, stack.tenantId, grid.body.id)).send({ to: [{ email: 'b@example.com' }], subject: 'via sendgrid', html: '<p>y</p>' });
    expect(sg.sent.at(-1)!.body).toMatchObject({ from: { email: 'noreply@example.com' }, subject: 'via sendgrid' });

    const other = await call('POST', '/api/integrations', { name: 'Hook', type: 'custom_api', syncInterval: 60, config: { baseUrl: 'https://api.example.com', streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id' }] } });
    await expect(integrationMailer(stack.app, stack.tenantId, other.body.id)).rejects.toMatchObject({ code: 'mail_integration_unavailable', statusCode: 409 });
  });
});
