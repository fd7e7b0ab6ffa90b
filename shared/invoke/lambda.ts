import type * as LambdaSdk from '@aws-sdk/client-lambda';
import { config } from '../config';
import { AppError } from '../errors';
import { type Invoker, workerUnavailable } from './types';

/** The SDK's Lambda module (the runtime's, not bundled), loaded at the first invoke. */
const sdk = (): typeof LambdaSdk => require('@aws-sdk/client-lambda');

/** Invoke, RequestResponse, of `${prefix}${fn}`: osls names a function `<service>-<stage>-<key>`. */
export class LambdaInvoker implements Invoker {
  private made?: LambdaSdk.LambdaClient;

  /** `client` is called once, at the first invoke. */
  constructor(
    private readonly client: () => LambdaSdk.LambdaClient,
    private readonly prefix: string,
  ) {}

  static fromEnv(prefix = config().FUNCTION_NAME_PREFIX): LambdaInvoker {
    if (!prefix) throw new AppError('config_error', 'FUNCTION_NAME_PREFIX is not set: the deployed stack names its functions with it');
    return new LambdaInvoker(() => new (sdk().LambdaClient)({}), prefix);
  }

  async invoke(fn: string, payload: unknown): Promise<unknown> {
    const FunctionName = `${this.prefix}${fn}`;
    let out: LambdaSdk.InvokeCommandOutput;
    try {
      out = await (this.made ??= this.client()).send(new (sdk().InvokeCommand)({ FunctionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }));
    } catch (err) {
      throw workerUnavailable(FunctionName, (err as Error).name, err);
    }
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    // The handler threw (or ran out of time or memory): the payload is its errorType, errorMessage and trace.
    if (out.FunctionError) throw workerUnavailable(FunctionName, `${out.FunctionError}: ${errorType(text)}`);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw workerUnavailable(FunctionName, 'answer is not JSON', err);
    }
  }
}

function errorType(payload: string): string {
  try {
    return String((JSON.parse(payload) as { errorType?: unknown }).errorType ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
