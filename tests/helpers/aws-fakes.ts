import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * KMS as aws-sdk-client-mock plays it, keeping KMS's one rule that matters to us: a data key opens only under the
 * encryption context it was generated with.
 */
export function fakeKms() {
  const kms = mockClient(KMSClient);
  const keys = new Map<string, { key: Buffer; ctx: string }>();
  kms.on(GenerateDataKeyCommand).callsFake((input) => {
    const key = randomBytes(32);
    const id = randomBytes(8).toString('hex');
    keys.set(id, { key, ctx: JSON.stringify(input.EncryptionContext) });
    return { Plaintext: new Uint8Array(key), CiphertextBlob: new Uint8Array(Buffer.from(id)) };
  });
  kms.on(DecryptCommand).callsFake((input) => {
    const k = keys.get(Buffer.from(input.CiphertextBlob!).toString());
    if (!k || k.ctx !== JSON.stringify(input.EncryptionContext)) throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
    return { Plaintext: new Uint8Array(k.key) };
  });
  return kms;
}

/** SQS accepting every batch; what was sent is recorded, by queue URL, with the bodies parsed. */
export function fakeSqs(sent: Array<{ QueueUrl?: string; bodies: unknown[] }> = []) {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageBatchCommand).callsFake((input) => {
    sent.push({ QueueUrl: input.QueueUrl, bodies: (input.Entries ?? []).map((e: { MessageBody?: string }) => JSON.parse(e.MessageBody!)) });
    return { Successful: (input.Entries ?? []).map((e: { Id?: string }) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })), Failed: [] };
  });
  return sqs;
}

/**
 * Lambda's Invoke (RequestResponse) as it reaches a function: the payload crosses as JSON to the handler `route`
 * gives for the function name (none: ResourceNotFoundException), and a handler that throws is a FunctionError with
 * Lambda's error payload (its message included, as Lambda sends it).
 */
export function fakeLambda(route: (functionName: string) => Promise<((event: never, context: never) => Promise<unknown>) | undefined>) {
  const lambda = mockClient(LambdaClient);
  const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v ?? null)));
  lambda.on(InvokeCommand).callsFake(async (input: { FunctionName: string; Payload: string | Uint8Array }) => {
    const handler = await route(input.FunctionName);
    if (!handler) throw Object.assign(new Error(`Function not found: ${input.FunctionName}`), { name: 'ResourceNotFoundException' });
    try {
      const answer = await handler(JSON.parse(Buffer.from(input.Payload).toString('utf8')) as never, { getRemainingTimeInMillis: () => 900_000, functionName: input.FunctionName } as never);
      return { StatusCode: 200, Payload: json(answer) };
    } catch (err) {
      return { StatusCode: 200, FunctionError: 'Unhandled', Payload: json({ errorType: (err as Error).name, errorMessage: (err as Error).message, trace: [] }) };
    }
  });
  return lambda;
}
