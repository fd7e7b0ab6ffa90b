import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsSender } from '../../shared/queue/sqs';
import type { QueueMessage } from '../../shared/queue/types';

describe('Class: SqsSender', () => {
  it('sends a tick of messages in batches of 10, several calls at once, resending what SQS reports failed: each message arrives once', async () => {
    const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(sqs);
    const received: string[] = [];
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    mock.on(SendMessageBatchCommand).callsFake(async (input: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }) => {
      expect(input.QueueUrl).toBe('https://sqs.example/q-custom-api');
      expect(input.Entries.length).toBeLessThanOrEqual(10);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      // Every third call, SQS refuses its first entry.
      const refused = ++calls % 3 === 0 ? input.Entries.slice(0, 1) : [];
      for (const e of input.Entries) if (!refused.includes(e)) received.push(JSON.parse(e.MessageBody).runId);
      return { Successful: [], Failed: refused.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })) };
    });
    const messages: QueueMessage[] = Array.from({ length: 205 }, (_, n) => ({ kind: 'sync', tenantId: 't', integrationId: `i${n}`, runId: `r${n}`, continuation: 0 }));
    await new SqsSender(() => sqs, 'https://sqs.example/q-').send('custom_api', messages);
    expect(received.sort()).toEqual(messages.map((m) => (m as { runId: string }).runId).sort());
    expect(most).toBeGreaterThan(1);
    mock.restore();
  });
});
