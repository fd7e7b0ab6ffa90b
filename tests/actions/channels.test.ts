import { verifySwitchboardSignature } from '../../shared/notify/sign';
import { readBody, startServer, type RunningServer } from '../sandboxes/kit';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { startDatadogSandbox, type DatadogSandbox } from '../sandboxes/datadog';
import { startGa4Sandbox, type Ga4Sandbox } from '../sandboxes/ga4';
import { startSlackSandbox, type SlackSandbox } from '../sandboxes/slack';
import { restTarget, storeOnlySource, writeRecords } from '../flows/helpers';
import { flowKit } from './helpers';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Slack, outgoing webhook, GA4 and Datadog actions, a flow with a target and actions, and run metrics. */
describe('Flow actions: Slack, webhook, GA4, Datadog', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let slack: SlackSandbox;
  let ga4: Ga4Sandbox;
  let dd: DatadogSandbox;
  let hook: CatchHook;
  let receiver: RunningServer & { got: Array<{ headers: Record<string, string | string[] | undefined>; raw: string }> };
  let sourceId: string;
  const ids: Record<string, string> = {};
  const DD_KEY = 'dd-key-0123456789abcdef';
  const SIGNING = 'whsec-0123456789';

  const leads = [
    { Id: 'L1', Email: 'ann@example.com', Name: 'Ann <b>&</b> Co', Amount: '250', Status: 'Hot', GaClient: '123.456' },
    { Id: 'L2', Email: 'bob@example.com', Name: 'Bob', Amount: '90', Status: 'Cold', GaClient: '789.012' },
  ];
  const integration = async (name: string, type: string, config: Record<string, unknown>) => {
    const r = await call('POST', '/api/integrations', { name, type, config, status: 'inactive' });
    expect([name, r.status]).toEqual([name, 201]);
    return r.body.id as string;
  };
  const kit = () => flowKit(stack, call, () => ({ integrationId: sourceId, dataType: 'leads' }));
  const flow = (body: Record<string, unknown>) => kit().create(body);
  const run = (flowId: string) => kit().run(flowId);

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    [slack, ga4, dd, hook] = await Promise.all([startSlackSandbox(), startGa4Sandbox({ measurementId: 'G-SANDBOX1', apiSecret: 'ga4-secret-xyz' }), startDatadogSandbox({ apiKey: DD_KEY }), startCatchHook({ requireEmail: true })]);
    const got: Array<{ headers: Record<string, string | string[] | undefined>; raw: string }> = [];
    receiver = Object.assign(await startServer(async (req, res) => {
      got.push({ headers: req.headers, raw: await readBody(req) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `evt_${got.length}` }));
    }, (res) => res.writeHead(500).end()), { got });
    sourceId = await storeOnlySource(call);
    await writeRecords(stack, sourceId, leads);
    ids.slack = await integration('Sales channel', 'slack', { webhookUrl: slack.hookUrl });
    ids.ga4 = await integration('Web stream', 'ga4', { baseUrl: ga4.url, measurementId: 'G-SANDBOX1', apiSecret: 'ga4-secret-xyz' });
    ids.dd = await integration('Datadog', 'datadog', { baseUrl: dd.url, apiKey: DD_KEY });
    ids.hook = await integration('Receiver', 'custom_api', { baseUrl: receiver.url, method: 'GET', auth: { kind: 'none' }, token: SIGNING, streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id', pagination: { kind: 'none' } }] });
    ids.zap = await restTarget(call, hook.url);
  });
  afterAll(async () => {
    await Promise.all([stack.close(), slack.close(), ga4.close(), dd.close(), hook.close(), receiver.close()]);
  });

  it('posts a Block Kit message per record with record values escaped; a 429 is waited out; a removed hook fails the step for good', async () => {
    const flowId = await flow({
      actions: [{ type: 'slack', integrationId: ids.slack, text: 'New lead ${Name} (${Email})', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*${Name}* wants a quote: $${Amount}' } }] }],
    });
    slack.rateLimitNext(1, 1);
    const r = await run(flowId);
    expect(r.actions.slack).toMatchObject({ sent: 2, failed: 0 });
    expect(slack.statuses.slice(0, 3)).toEqual([429, 200, 200]);
    expect(slack.received[0]).toEqual({
      text: 'New lead Ann &lt;b&gt;&amp;&lt;/b&gt; Co (ann@example.com)',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Ann &lt;b&gt;&amp;&lt;/b&gt; Co* wants a quote: $250' } }],
    });
    expect(slack.received).toHaveLength(2);
    expect((await run(flowId)).actions.slack).toMatchObject({ sent: 0, done: 2 });
    expect(slack.received).toHaveLength(2);

    slack.revoke();
    await writeRecords(stack, sourceId, [{ Id: 'L3', Email: 'cy@example.com', Name: 'Cy' }]);
    const dead = await run(flowId);
    expect(dead.status).toBe('partial');
    expect(dead.errors).toEqual([{ sourceId: 'L3', target: 'action slack', reason: expect.stringContaining('no_service') }]);
    expect(JSON.stringify(dead)).not.toContain('sandbox0token');
    const step = (await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L3`)).body.deliveries[0].actions.slack;
    expect(step).toMatchObject({ status: 'failed', retryable: false });
  });

  it('sends a signed webhook per record (our notification signature, a stable delivery id), and a Zapier catch hook takes the body unchanged', async () => {
    const flowId = await flow({
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id in ['L1', 'L2']" },
      actions: [
        { type: 'webhook', integrationId: ids.hook, path: '/events/lead', body: { email: '${Email}', amount: '${Amount:number}', tags: ['lead', '${Status:lowercase}'] } },
        { type: 'webhook', name: 'zapier', integrationId: ids.zap, path: '/hooks/catch/123/abc/', body: { email: '${Email}', name: '${Name}' } },
      ],
    });
    const r = await run(flowId);
    expect(r.actions).toMatchObject({ webhook: { sent: 2 }, zapier: { sent: 2 } });
    const first = receiver.got[0];
    expect(JSON.parse(first.raw)).toEqual({ email: 'ann@example.com', amount: 250, tags: ['lead', 'hot'] });
    expect(verifySwitchboardSignature({ headers: first.headers, body: Buffer.from(first.raw), secret: SIGNING }).ok).toBe(true);
    expect(verifySwitchboardSignature({ headers: first.headers, body: Buffer.from(first.raw), secret: 'another' }).ok).toBe(false);
    expect(first.headers['x-switchboard-event']).toBe('flow.action');
    expect(first.headers['x-switchboard-delivery']).toMatch(/^[0-9a-f]{32}$/);
    expect(hook.received.map((x) => x.body)).toEqual([{ email: 'ann@example.com', name: 'Ann <b>&</b> Co' }, { email: 'bob@example.com', name: 'Bob' }]);
    const steps = (await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L1`)).body.deliveries[0].actions;
    expect(steps.webhook).toMatchObject({ status: 'sent', id: 'evt_1' });
  });

  it('a webhook still failing after the client\'s retries is retryable: POST /retry sends it once the receiver is back', async () => {
    const flowId = await flow({
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id = 'L2'" },
      actions: [{ type: 'webhook', integrationId: ids.zap, path: '/hooks/catch/9/9/', body: { email: '${Email}' } }],
    });
    const before = hook.received.length;
    hook.failNext(7, 503);
    const r = await run(flowId);
    expect(r.actions.webhook).toMatchObject({ sent: 0, failed: 1 });
    const failed = await kit().steps(flowId, 'L2');
    expect(failed.webhook).toMatchObject({ status: 'failed', retryable: true, attempts: 1 });
    expect((await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L2`)).body.deliveries[0]).toMatchObject({ status: 'delivered', actionRetry: true });
    const retry = await call('POST', `/api/flows/${flowId}/retry`, {});
    await stack.queues.drain();
    const again = (await call('GET', `/api/flows/${flowId}/runs/${retry.body.runId}`)).body;
    expect(again.actions.webhook).toMatchObject({ sent: 1 });
    expect(hook.received.slice(before).map((x) => x.body)).toEqual([{ email: 'bob@example.com' }]);
    const entry = (await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L2`)).body.deliveries[0];
    expect([entry.actions.webhook.status, entry.actions.webhook.attempts, entry.actionRetry]).toEqual(['sent', 2, undefined]);
  });

  it('a dry run sends nothing and previews each step\'s rendered fields', async () => {
    const flowId = await flow({
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id in ['L1', 'L2']" },
      actions: [{ type: 'ga4', integrationId: ids.ga4, when: "Status = 'Hot'", clientId: '${GaClient}', event: 'generate_lead', params: { value: '${Amount:number}' } }],
    });
    const events = ga4.requests.length;
    const r = await call('POST', `/api/flows/${flowId}/run`, { dryRun: true });
    await stack.queues.drain();
    const dry = (await call('GET', `/api/flows/${flowId}/runs/${r.body.runId}`)).body;
    expect(dry.preview).toEqual([
      { sourceId: 'L1', action: 'actions only', payload: {}, actions: { ga4: { type: 'ga4', clientId: '123.456', params: { value: 250 } } } },
      { sourceId: 'L2', action: 'actions only', payload: {} },
    ]);
    expect(dry.actions.ga4).toMatchObject({ sent: 0, filtered: 1 });
    expect(ga4.requests).toHaveLength(events);
    expect((await call('GET', `/api/flows/${flowId}/deliveries`)).body.deliveries).toEqual([]);
  });

  it('sends a GA4 event per record that passes `when`, refusing one GA4 would silently drop', async () => {
    const flowId = await flow({
      actions: [{ type: 'ga4', integrationId: ids.ga4, when: "Status = 'Hot' or Id = 'L3'", clientId: '${GaClient:default(crm-anonymous)}', event: 'generate_lead', params: { currency: 'USD', value: '${Amount:number}', lead_source: '${Name}' } }],
    });
    await writeRecords(stack, sourceId, [{ Id: 'L3', Email: 'cy@example.com', Name: 'x'.repeat(120) }]);
    const r = await run(flowId);
    expect(r.actions.ga4).toMatchObject({ sent: 1, filtered: 1, failed: 1 });
    expect(ga4.events).toEqual([{ client_id: '123.456', name: 'generate_lead', params: { currency: 'USD', value: 250, lead_source: 'Ann <b>&</b> Co' } }]);
    expect(ga4.dropped).toBe(0);
    expect(r.errors).toEqual([{ sourceId: 'L3', target: 'action ga4', reason: expect.stringContaining('longer than 100') }]);
  });

  it('submits a Datadog point per record and, with runMetrics, the run\'s figures; a 429 waits; a target write comes first', async () => {
    const flowId = await flow({
      source: { integrationId: sourceId, dataType: 'leads', filter: "Id in ['L1', 'L2', 'L9']" },
      target: { integrationId: ids.zap, path: '/hooks/catch/1/2/', method: 'POST' },
      mapping: { email: '${Email}' },
      required: ['email'],
      actions: [{ type: 'datadog', integrationId: ids.dd, metric: 'crm.leads.value', metricType: 'gauge', value: '${Amount}', tags: ['status:${Status:lowercase}'] }],
      runMetrics: { integrationId: ids.dd, tags: ['env:test'] },
    });
    await writeRecords(stack, sourceId, [{ Id: 'L9', Name: 'No email', Amount: '5' }]);
    dd.rateLimitNext(1);
    const r = await run(flowId);
    expect(r.sync_summary).toMatchObject({ records_processed: 3, successful_transfers: 2, failed_transfers: 1 });
    expect(r.actions.datadog).toMatchObject({ sent: 2 });
    expect(dd.statuses.slice(0, 2)).toEqual([429, 202]);
    const points = dd.series.filter((s) => s.metric === 'crm.leads.value');
    expect(points.map((s) => [s.type, s.points[0].value, s.tags])).toEqual([[3, 250, ['status:hot']], [3, 90, ['status:cold']]]);
    const metrics = Object.fromEntries(dd.series.filter((s) => s.metric.startsWith('switchboard.flow.')).map((s) => [s.metric.slice(17), s.points[0].value]));
    expect(metrics).toMatchObject({ records_processed: 3, successful_transfers: 2, failed_transfers: 1, actions_sent: 2, actions_failed: 0 });
    expect(dd.series.find((s) => s.metric === 'switchboard.flow.records_processed')!.tags).toEqual([`flow:${flowId}`, 'status:partial', 'trigger:manual', 'env:test']);
    // The record the target refused never reached its action.
    expect((await call('GET', `/api/flows/${flowId}/deliveries?sourceId=L9`)).body.deliveries[0].actions).toBeUndefined();
  });
});
