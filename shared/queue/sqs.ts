import type * as Sqs from '@aws-sdk/client-sqs';
import { drainWithRetries } from '../backoff';
import type { FlowMessage, NotifyMessage, QueueMessage, QueueSender } from './types';

/** The SDK's SQS module, loaded at the first send: a function that enqueues nothing on an invocation does not pay for it. */
const sdk = (): typeof Sqs => require('@aws-sdk/client-sqs');

/** SendMessageBatch calls in flight at once. */
const SENDS_IN_FLIGHT = 8;

/** SendMessageBatch, 10 per call; entries SQS reports as failed are resent, never dropped silently. */
export class SqsSender implements QueueSender {
  private made?: Sqs.SQSClient;

  /** `client` is called once, at the first send. */
  constructor(
    private readonly client: () => Sqs.SQSClient,
    private readonly urlPrefix: string,
  ) {}

  static fromEnv(urlPrefix: string): SqsSender {
    return new SqsSender(() => new (sdk().SQSClient)({}), urlPrefix);
  }

  private get sqs(): Sqs.SQSClient {
    return (this.made ??= this.client());
  }

  async send(connectorType: string, messages: QueueMessage[] | FlowMessage[] | NotifyMessage[], opts: { delaySeconds?: number } = {}): Promise<void> {
    const QueueUrl = `${this.urlPrefix}${connectorType.replace(/_/g, '-')}`;
    const batches: (typeof messages)[] = [];
    for (let i = 0; i < messages.length; i += 10) batches.push(messages.slice(i, i + 10));
    let next = 0;
    const sender = async () => {
      while (next < batches.length) {
        const entries = batches[next++].map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m), ...(opts.delaySeconds ? { DelaySeconds: opts.delaySeconds } : {}) }));
        await drainWithRetries(
          entries,
          async (pending) => {
            const out = await this.sqs.send(new (sdk().SendMessageBatchCommand)({ QueueUrl, Entries: pending }));
            const failed = new Set((out.Failed ?? []).map((f) => f.Id));
            return pending.filter((e) => failed.has(e.Id));
          },
          { backoff: { baseMs: 50, maxMs: 1600, jitter: false }, attempts: 5, what: `SQS SendMessageBatch to ${connectorType}` },
        );
      }
    };
    // A tick's thousands of messages are hundreds of calls: several at once (SQS takes ~3,000 calls/s per queue).
    await Promise.all(Array.from({ length: Math.min(SENDS_IN_FLIGHT, batches.length) }, sender));
  }
}
