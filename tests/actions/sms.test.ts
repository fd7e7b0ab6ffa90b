import { createHmac, randomBytes } from 'node:crypto';
import { executeFlowRun } from '../../shared/flows/runner';
import { FlowService, newFlowRun } from '../../shared/flows/service';
import { flowKeys } from '../../shared/flows/store';
import { UpdateCommand } from '../../shared/store/dynamo';
import { writeRecords } from '../flows/helpers';
import type { TestStack } from '../helpers/stack';
import { startTwilioSandbox, type TwilioSandbox } from '../sandboxes/twilio';
import { api, createIntegration, post, startWebhookStack } from '../webhooks/stack';
import { flowKit } from './helpers';

const hex = (n: number) => randomBytes(n).toString('hex');
/** Independent signer (Twilio): base64 HMAC-SHA1(auth token, URL + each param sorted by key as key+value). */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  return createHmac('sha1', token).update(Object.keys(params).sort().reduce((s, k) => s + k + params[k], url)).digest('base64');
}

/**
 * The worked example: missed calls on a Twilio number → text the caller back. The source is the Twilio
 * integration's own `calls`; the flow has no target, one `sms` action through the same integration.
 */
describe('SMS action (Twilio Messages API)', () => {
  let stack: TestStack;
  let sb: TwilioSandbox;
  let svc: FlowService;
  const token = hex(16);
  const accountSid = `AC${hex(16)}`;
  let twilioId: string;
  let hookUrl: string;
  const OUR_NUMBER = '+14155550100';

  const call = (sid: string, from: string, status = 'no-answer') => ({ Id: sid, sid, from, to: OUR_NUMBER, status, direction: 'inbound', caller_name: 'Ann Example' });
  const sms = (extra: Record<string, unknown> = {}) => ({
    type: 'sms', integrationId: twilioId, to: '${from}', from: '${to}', body: 'Sorry we missed your call, ${caller_name}. We will call you back shortly.', ...extra,
  });
  const kit = () => flowKit(stack, (m, p, b) => api(stack, m, p, b), () => ({ integrationId: twilioId, dataType: 'calls' }));
  const makeFlow = (name: string, actions: unknown[], filter?: string) => kit().create({ name, source: { integrationId: twilioId, dataType: 'calls', ...(filter ? { filter } : {}) }, actions });
  const runFlow = (flowId: string) => kit().run(flowId);
  /** A run executed in this process with its own clock (quiet hours). */
  const runAt = async (flowId: string, at: number, runId?: string) => {
    const flow = (await svc.flows.get(stack.tenantId, flowId))!;
    if (!runId) {
      const run = newFlowRun(flow, 'manual', { dryRun: false });
      await svc.runs.create(run);
      runId = run.id;
    }
    return (await executeFlowRun(stack.app, { tenantId: stack.tenantId, flowId, runId }, { now: () => at }))!;
  };
  const steps = (flowId: string, sourceId: string) => kit().steps(flowId, sourceId);
  const textsTo = (n: string) => sb.sent.filter((m) => m.to === n);

  beforeAll(async () => {
    stack = await startWebhookStack();
    svc = new FlowService(stack.app);
    sb = await startTwilioSandbox({ accountSid, authToken: token });
    twilioId = await createIntegration(stack, 'twilio', { accountSid, authToken: token, baseUrl: sb.url });
    hookUrl = (await api(stack, 'PUT', `/api/integrations/${twilioId}/webhook`, {})).body.url;
  });
  afterAll(async () => {
    await sb?.close();
    await stack?.close();
  });

  it('texts each missed caller back once, records the message SID per record, and a second run sends nothing', async () => {
    await writeRecords(stack, twilioId, [call('CA01', '+15125550101'), call('CA02', '+15125550102'), call('CA03', '+15125550103', 'completed')], 'calls');
    const flowId = await makeFlow('missed call text-back', [sms({ when: "status = 'no-answer'" })]);
    const run = await runFlow(flowId);
    expect(run.status).toBe('succeeded');
    expect(run.actions).toEqual({ sms: { sent: 2, failed: 0, skipped: 0, deferred: 0, filtered: 1, done: 0 } });
    expect(sb.sent.map((m) => [m.to, m.from, m.body])).toEqual([
      ['+15125550101', OUR_NUMBER, 'Sorry we missed your call, Ann Example. We will call you back shortly.'],
      ['+15125550102', OUR_NUMBER, 'Sorry we missed your call, Ann Example. We will call you back shortly.'],
    ]);
    expect(await steps(flowId, 'CA01')).toEqual({ sms: { status: 'sent', id: sb.sent[0].sid, at: expect.any(String), attempts: 1 } });
    expect(await steps(flowId, 'CA03')).toBeUndefined();

    const again = await runFlow(flowId);
    expect(again.actions.sms).toMatchObject({ sent: 0, done: 2, filtered: 1 });
    expect(sb.sent).toHaveLength(2);
  });

  it('fails one record with Twilio\'s reason and sends the rest; a 429 is waited out and the text goes once', async () => {
    await writeRecords(stack, twilioId, [call('CB01', '+15125550201'), call('CB02', '12345'), call('CB03', '+15125550203')], 'calls');
    const flowId = await makeFlow('errors', [sms()], "Id in ['CB01', 'CB02', 'CB03']");
    const before = sb.sent.length;
    sb.failNext(1, 429);
    const run = await runFlow(flowId);
    expect(run.status).toBe('partial');
    expect(run.actions.sms).toMatchObject({ sent: 2, failed: 1 });
    expect(run.errors).toEqual([{ sourceId: 'CB02', target: 'action sms', reason: expect.stringContaining('21211') }]);
    expect(sb.sent.slice(before).map((m) => m.to)).toEqual(['+15125550201', '+15125550203']);
    expect(sb.requests.filter((r) => r.path.endsWith('/Messages.json')).map((r) => r.status)).toEqual(expect.arrayContaining([429, 201, 400, 201]));
    expect(await steps(flowId, 'CB02')).toEqual({ sms: { status: 'failed', reason: expect.stringContaining('21211'), retryable: false, at: expect.any(String), attempts: 1 } });
    // A final refusal is not tried again.
    await runFlow(flowId);
    expect(sb.sent.slice(before)).toHaveLength(2);
    expect(sb.requests.filter((r) => r.status === 400)).toHaveLength(1);
  });

  it('never texts a number that replied STOP (through the Twilio webhook), a 21610 refusal, or the action\'s own list; START lifts a STOP', async () => {
    const inbound = (from: string, body: string) => {
      const sid = `SM${hex(16)}`;
      const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: from, To: OUR_NUMBER, Body: body, SmsStatus: 'received', NumMedia: '0', ApiVersion: '2010-04-01' };
      return post(stack, new URL(hookUrl).pathname, new URLSearchParams(params).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(token, hookUrl, params) });
    };
    expect((await inbound('+15125550301', ' stop ')).status).toBe(200);
    expect((await inbound('+15125550304', 'STOP')).status).toBe(200);
    expect((await inbound('+15125550304', 'Start')).status).toBe(200);
    await stack.queues.drain();
    sb.unsubscribe('+15125550302');
    await writeRecords(stack, twilioId, ['301', '302', '303', '304'].map((n) => call(`CC${n}`, `+15125550${n}`)), 'calls');
    const flowId = await makeFlow('opt-out', [sms({ optOut: ['+15125550303'] })], "$contains(Id, 'CC')");
    const before = sb.sent.length;
    const run = await runFlow(flowId);
    expect(run.actions.sms).toMatchObject({ sent: 1, skipped: 3, failed: 0 });
    expect(sb.sent.slice(before).map((m) => m.to)).toEqual(['+15125550304']);
    expect((await steps(flowId, 'CC301')).sms).toMatchObject({ status: 'skipped', reason: expect.stringContaining('opted out') });
    expect((await steps(flowId, 'CC302')).sms).toMatchObject({ status: 'skipped', reason: expect.stringContaining('21610') });
    // Twilio's 21610 put the number on the list: another flow does not even ask Twilio.
    const other = await makeFlow('opt-out 2', [sms()], "Id = 'CC302'");
    const posts = sb.requests.filter((r) => r.path.endsWith('/Messages.json')).length;
    expect((await runFlow(other)).actions.sms).toMatchObject({ skipped: 1 });
    expect(sb.requests.filter((r) => r.path.endsWith('/Messages.json'))).toHaveLength(posts);
  });

  it('defers a text due in quiet hours to the window\'s end (a follow-up run sends it then), or skips it with the reason', async () => {
    await writeRecords(stack, twilioId, [call('CD01', '+15125550401')], 'calls');
    const quietHours = { start: '21:00', end: '08:00', timeZone: 'America/New_York' };
    const night = Date.parse('2026-12-03T03:00:00Z'); // 22:00 in New York
    const flowId = await makeFlow('quiet defer', [sms({ quietHours })], "Id = 'CD01'");
    const run = await runAt(flowId, night);
    expect(run.actions!.sms).toMatchObject({ sent: 0, deferred: 1 });
    expect(textsTo('+15125550401')).toHaveLength(0);
    expect((await steps(flowId, 'CD01')).sms).toMatchObject({ status: 'deferred', until: '2026-12-03T13:00:00.000Z', reason: expect.stringContaining('quiet hours (21:00–08:00 America/New_York)') });
    const followUp = (await svc.runs.list(flowId, 10)).items.find((r) => r.trigger === 'deferred')!;
    expect(followUp).toMatchObject({ status: 'queued', sourceIds: ['CD01'] });
    // Still night: the follow-up changes nothing; at 08:00 New York time it sends.
    expect((await runAt(flowId, Date.parse('2026-12-03T12:59:00Z'))).actions!.sms).toMatchObject({ sent: 0, done: 1 });
    const morning = await runAt(flowId, Date.parse('2026-12-03T13:00:30Z'), followUp.id);
    expect(morning.actions!.sms).toMatchObject({ sent: 1 });
    expect(textsTo('+15125550401')).toHaveLength(1);

    await writeRecords(stack, twilioId, [call('CD02', '+15125550402')], 'calls');
    const skip = await makeFlow('quiet skip', [sms({ quietHours: { ...quietHours, then: 'skip' } })], "Id = 'CD02'");
    expect((await runAt(skip, night)).actions!.sms).toMatchObject({ skipped: 1 });
    expect((await runAt(skip, Date.parse('2026-12-03T15:00:00Z'))).actions!.sms).toMatchObject({ sent: 0, done: 1 });
    expect(textsTo('+15125550402')).toHaveLength(0);
  });

  it('end to end: a missed call reported by Twilio\'s status callback is texted back in real time, once', async () => {
    const flowId = await kit().create({
      name: 'realtime text-back', trigger: 'realtime', source: { integrationId: twilioId, dataType: 'calls', filter: "direction = 'inbound'" },
      actions: [sms({ when: "status in ['no-answer', 'busy']", body: 'Sorry we missed your call. We will call you back within the hour.' })],
    });
    const callback = (sid: string, from: string, status: string) => {
      const params = { CallSid: sid, AccountSid: accountSid, From: from, To: OUR_NUMBER, CallStatus: status, Direction: 'inbound', ApiVersion: '2010-04-01' };
      return post(stack, new URL(hookUrl).pathname, new URLSearchParams(params).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(token, hookUrl, params) });
    };
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        await stack.queues.drain();
        await stack.stream.flush();
      }
      await stack.queues.drain();
    };
    const missed = `CA${hex(16)}`;
    const answered = `CA${hex(16)}`;
    for (const r of [await callback(missed, '+15125550601', 'no-answer'), await callback(answered, '+15125550602', 'completed')]) expect(r.status).toBeLessThan(300);
    await settle();
    expect(textsTo('+15125550601').map((m) => m.body)).toEqual(['Sorry we missed your call. We will call you back within the hour.']);
    expect(textsTo('+15125550602')).toEqual([]);
    // Twilio repeats the callback (same status: a duplicate) and a later one changes nothing we have not texted.
    await callback(missed, '+15125550601', 'no-answer');
    await settle();
    expect(textsTo('+15125550601')).toHaveLength(1);
    expect((await steps(flowId, missed)).sms).toMatchObject({ status: 'sent' });
    // Paused, so the calls the next tests store are not texted by it.
    expect((await api(stack, 'PATCH', `/api/flows/${flowId}`, { status: 'inactive' })).status).toBe(200);
  });

  it('does not send again a step a dead worker left claimed (at most once)', async () => {
    await writeRecords(stack, twilioId, [call('CE01', '+15125550501')], 'calls');
    const flowId = await makeFlow('crash', [sms()], "Id = 'CE01'");
    // The ledger as a worker that died after claiming the step and before hearing Twilio's answer leaves it.
    await stack.app.db.doc.send(new UpdateCommand({
      TableName: stack.app.db.table, Key: flowKeys.ledger(flowId, 'CE01'),
      UpdateExpression: 'SET sourceId = :s, #st = :d, targetId = :n, payloadHash = :n, lastError = :n, attempts = :one, updatedAt = :at, actions = :a',
      ExpressionAttributeNames: { '#st': 'status' },
      ExpressionAttributeValues: { ':s': 'CE01', ':d': 'delivered', ':n': null, ':one': 1, ':at': '2026-01-01T00:00:00.000Z', ':a': { sms: { status: 'sending', at: '2026-01-01T00:00:00.000Z', attempts: 1 } } },
    }));
    const run = await runFlow(flowId);
    expect(run.actions.sms).toMatchObject({ sent: 0, done: 1 });
    expect(textsTo('+15125550501')).toHaveLength(0);
  });

  it('refuses actions that cannot work: a wrong integration type, a bad template, a bad when, no target and no actions', async () => {
    const bad = async (body: Record<string, unknown>) => (await api(stack, 'POST', '/api/flows', { name: 'bad', source: { integrationId: twilioId, dataType: 'calls' }, ...body }));
    const slackish = await createIntegration(stack, 'custom_api', { baseUrl: sb.url, method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id', pagination: { kind: 'none' } }] });
    const answers = await Promise.all([
      bad({ actions: [sms({ integrationId: slackish })] }),
      bad({ actions: [sms({ body: 'Hi ${name' })] }),
      bad({ actions: [sms({ when: "status = = 'x'" })] }),
      bad({}),
      bad({ actions: [sms({ from: undefined })] }),
      bad({ actions: [sms(), sms()] }).then(async (r) => r),
      bad({ actions: [sms({ name: 'a' }), sms({ name: 'a' })] }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 201, 400]);
    expect(answers.map((a) => a.body.error?.details?.[0]?.path)).toEqual(['actions.0.integrationId', 'actions.0.body', 'actions.0.when', 'target', 'actions.0.from', undefined, 'actions.1.name']);
  });
});
