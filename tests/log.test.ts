import { createApiHandler } from '../shared/api/handler';
import * as replies from '../shared/api/replies';
import { integrationRoutes } from '../shared/api/routes';
import { workerHandler } from '../shared/handlers/worker';
import type { HttpEvent, SQSEvent } from '../shared/lambda-types';
import { redact, setLogSink } from '../shared/log';
import { startTestStack, type TestStack } from './helpers/stack';

const context = (id: string) => ({
  awsRequestId: id,
  functionName: 'switchboard-dev-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:switchboard-dev-api',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 30_000,
});

const httpEvent = (apiKey: string, body: unknown): HttpEvent => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/api/integrations',
  rawQueryString: '',
  headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST', path: '/api/integrations' }, requestId: 'apigw-1', timeEpoch: Date.now() },
});

describe('Function: withInvocation (log fields)', () => {
  let stack: TestStack;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    stack = await startTestStack();
    setLogSink((l) => lines.push(JSON.parse(l)));
  });
  afterAll(() => stack?.close());

  it("gives every line of an invocation Powertools' fields: request id, cold start (first invocation only), function name", async () => {
    // Prepare: a token the handler will log about, registered for scrubbing.
    const token = 'pat-na1-log-fields-secret-0001';
    redact(token);
    const api = createApiHandler(() => stack.app, integrationRoutes, { replies });

    // Act: two invocations of the API function, then one of a worker (the engine logs from deep inside it).
    const created = await api(httpEvent(stack.apiKey, { name: 'logs', type: 'custom_api', config: { baseUrl: 'http://127.0.0.1:9', testPath: `/x/${token}` } }), context('req-1'));
    expect(created.statusCode).toBe(201);
    const first = lines.splice(0);
    await api(httpEvent(stack.apiKey, { name: 'bad' }), context('req-2'));
    const second = lines.splice(0);
    const bad: SQSEvent = { Records: [{ messageId: 'm1', body: 'not json', attributes: { ApproximateReceiveCount: '1' } }] } as SQSEvent;
    await workerHandler(() => stack.app)(bad, { ...context('req-3'), functionName: 'switchboard-dev-workerCustomApi' });
    const worker = lines.splice(0);
    // The local stack's queue hands its workers a context too: the engine's lines, deep in a run, carry it.
    const { id } = JSON.parse(created.body!);
    await stack.svc.requestSync((await stack.app.integrations.get(stack.tenantId, id))!, { mode: 'full' }, 'manual');
    await stack.queues.drain();
    const local = lines.splice(0);

    // Assess
    expect(first.length).toBeGreaterThan(0);
    for (const l of first)
      expect(l).toMatchObject({ function_request_id: 'req-1', cold_start: true, function_name: 'switchboard-dev-api', function_arn: expect.stringContaining(':function:'), function_memory_size: 512 });
    expect(second.length).toBeGreaterThan(0);
    for (const l of second) expect(l).toMatchObject({ function_request_id: 'req-2', cold_start: false, function_name: 'switchboard-dev-api' });
    expect(worker.map((l) => l.msg)).toEqual(['message failed']);
    for (const l of worker) expect(l).toMatchObject({ function_request_id: 'req-3', cold_start: false, function_name: 'switchboard-dev-workerCustomApi' });
    expect(local.map((l) => l.msg)).toContain('run finished');
    for (const l of local) expect(l).toMatchObject({ function_request_id: expect.any(String), cold_start: false, function_name: 'local-custom_api-worker' });
    expect(JSON.stringify([first, second, worker, local])).not.toContain(token);
  });
});
