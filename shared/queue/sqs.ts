import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FlowMessage, QueueMessage, QueueSender } from './types';

/** SendMessageBatch, 10 per call; entries SQS reports as failed are resent, never dropped silently. */
export class SqsSender implements QueueSender {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urlPrefix: string,
  ) {}

  async send(connectorType: string, messages: QueueMessage[] | FlowMessage[]): Promise<void> {
    const QueueUrl = `${this.urlPrefix}${connectorType.replace(/_/g, '-')}`;
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) }));
      for (let attempt = 0; entries.length; attempt++) {
        if (attempt >= 5) throw new Error(`SQS refused ${entries.length} messages for ${connectorType}`);
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
