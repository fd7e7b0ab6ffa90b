import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfig } from '../../shared/config';
import { AppError } from '../../shared/errors';
import { LambdaInvoker } from '../../shared/invoke/lambda';
import { LocalInvoker, type LocalFunction } from '../../shared/invoke/local';
import { workerFunction } from '../../shared/invoke/types';
import { setLogSink } from '../../shared/log';

/** An Invoke answer's Payload: the SDK's blob adapter is a Uint8Array (its string helpers unused here). */
const blob = (text: string) => new Uint8Array(Buffer.from(text)) as never;
const bytes = (v: unknown) => blob(JSON.stringify(v));
const SECRET_MESSAGE = 'password authentication failed for user "sync" (hunter2)';

/** What an invoker throws when the function gives no answer: the exposed 502, whose message says nothing of why. */
async function unavailable(p: Promise<unknown>): Promise<AppError> {
  const err = (await p.then(() => undefined, (e: unknown) => e)) as AppError;
  expect(err).toBeInstanceOf(AppError);
  expect([err.code, err.statusCode, err.expose]).toEqual(['worker_unavailable', 502, true]);
  expect(err.message).not.toContain('hunter2');
  return err;
}

describe('Invoker', () => {
  let logs: string[];
  beforeEach(() => {
    logs = [];
    setLogSink((line) => logs.push(line));
  });

  it('names workers as resources/lib.js does', () => {
    expect(['hubspot', 'google_sheets', 'custom_api', 'flows'].map(workerFunction)).toEqual(['workerHubspot', 'workerGoogleSheets', 'workerCustomApi', 'workerFlows']);
  });

  describe('Class: LambdaInvoker', () => {
    const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const lambda = mockClient(client);
    afterEach(() => lambda.reset());
    afterAll(() => lambda.restore());

    it('makes its client at the first invoke, then calls <prefix><key> RequestResponse with the payload as JSON and parses the answer', async () => {
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ result: { ok: true } }) });
      let made = 0;
      const invoker = new LambdaInvoker(() => (made++, client), 'switchboard-prod-');
      expect(made).toBe(0);
      expect(await invoker.invoke('workerHubspot', { kind: 'testConnection', tenantId: 't', integrationId: 'i' })).toEqual({ result: { ok: true } });
      await invoker.invoke('workerHubspot', {});
      expect(made).toBe(1);
      expect(lambda.commandCalls(InvokeCommand)[0].args[0].input).toEqual({
        FunctionName: 'switchboard-prod-workerHubspot',
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify({ kind: 'testConnection', tenantId: 't', integrationId: 'i' }),
      });
    });

    it('turns a handler error, an SDK error or an answer that is not JSON into worker_unavailable, logging only the kind of failure', async () => {
      const invoker = new LambdaInvoker(() => client, 'sb-dev-');
      lambda
        .on(InvokeCommand)
        .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes({ errorType: 'SourceError', errorMessage: SECRET_MESSAGE, trace: [SECRET_MESSAGE] }) })
        .rejectsOnce(Object.assign(new Error(`throttled: ${SECRET_MESSAGE}`), { name: 'TooManyRequestsException' }))
        .resolvesOnce({ StatusCode: 200, Payload: blob('<html>') });
      for (let i = 0; i < 3; i++) await unavailable(invoker.invoke('workerDatabase', {}));
      const reasons = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'invoke failed').map((l) => [l.function, l.reason]);
      expect(reasons).toEqual([
        ['sb-dev-workerDatabase', 'Unhandled: SourceError'],
        ['sb-dev-workerDatabase', 'TooManyRequestsException'],
        ['sb-dev-workerDatabase', 'answer is not JSON'],
      ]);
      expect(logs.join('\n')).not.toContain('hunter2');
    });

    it('is made from FUNCTION_NAME_PREFIX, and refuses to be made without it', () => {
      const was = process.env.FUNCTION_NAME_PREFIX;
      delete process.env.FUNCTION_NAME_PREFIX;
      resetConfig();
      try {
        expect(() => LambdaInvoker.fromEnv()).toThrow('FUNCTION_NAME_PREFIX is not set');
        process.env.FUNCTION_NAME_PREFIX = 'switchboard-dev-';
        resetConfig();
        expect(LambdaInvoker.fromEnv()).toBeInstanceOf(LambdaInvoker);
      } finally {
        if (was === undefined) delete process.env.FUNCTION_NAME_PREFIX;
        else process.env.FUNCTION_NAME_PREFIX = was;
        resetConfig();
      }
    });
  });

  describe('Class: LocalInvoker', () => {
    it('calls the function of that key with a JSON copy of the payload, as Lambda would, and answers a JSON copy', async () => {
      const seen: unknown[] = [];
      const echo: LocalFunction = async (event: never) => (seen.push(event), { at: new Date(0), got: event });
      const payload = { kind: 'testConnection', tenantId: 't', integrationId: 'i', drop: undefined };
      const answer = await new LocalInvoker(new Map([['workerHubspot', echo]])).invoke('workerHubspot', payload);
      expect(answer).toEqual({ at: '1970-01-01T00:00:00.000Z', got: { kind: 'testConnection', tenantId: 't', integrationId: 'i' } });
      expect(seen[0]).not.toBe(payload);
    });

    it('fails as Lambda does: no function of that key, or a handler that throws, is worker_unavailable', async () => {
      const invoker = new LocalInvoker(new Map<string, LocalFunction>([['workerDatabase', async () => { throw new Error(SECRET_MESSAGE); }]]));
      await unavailable(invoker.invoke('workerGhost', {}));
      await unavailable(invoker.invoke('workerDatabase', {}));
      expect(logs.join('\n')).not.toContain('hunter2');
    });
  });
});
