import { LocalQueues } from '../../shared/queue/local';
import type { SQSEvent } from '../../shared/lambda-types';

describe('Class: LocalQueues (SQS semantics)', () => {
  it('reports partial batch failures: the failed item is redelivered, the rest acknowledged', async () => {
    const q = new LocalQueues({ retryDelayMs: 0, batchSize: 10 });
    const seen: string[] = [];
    q.consume('x', async (event: SQSEvent) => {
      const failures = [];
      for (const r of event.Records) {
        const body = JSON.parse(r.body) as { integrationId: string };
        seen.push(`${body.integrationId}#${r.attributes.ApproximateReceiveCount}`);
        if (body.integrationId === 'b' && r.attributes.ApproximateReceiveCount === '1') failures.push({ itemIdentifier: r.messageId });
      }
      return { batchItemFailures: failures };
    });
    await q.send('x', ['a', 'b', 'c'].map((id) => ({ kind: 'webhook' as const, tenantId: 't', integrationId: id, eventKey: id })));
    await q.drain();
    expect(seen).toEqual(['a#1', 'b#1', 'c#1', 'b#2']);
    expect(q.queue('x').depth).toBe(0);
    expect(q.queue('x').deadLetters).toHaveLength(0);
  });

  it('moves a message to the dead-letter queue after 5 receives', async () => {
    const q = new LocalQueues({ retryDelayMs: 0 });
    let receives = 0;
    q.consume('x', async () => {
      receives++;
      throw new Error('worker crashed');
    });
    await q.send('x', [{ kind: 'webhook', tenantId: 't', integrationId: 'i', eventKey: 'k' }]);
    await q.drain();
    expect(receives).toBe(5);
    expect(q.queue('x').deadLetters).toHaveLength(1);
    expect(q.queue('x').deadLetters[0].receiveCount).toBe(5);
  });

  it('hides a received message for the visibility timeout', async () => {
    let now = 1000;
    const { LocalQueue } = await import('../../shared/queue/local');
    const queue = new LocalQueue('v', { visibilityTimeoutMs: 30_000 }, () => now);
    queue.send('m');
    expect(queue.receive()).toHaveLength(1);
    expect(queue.receive()).toHaveLength(0);
    now += 30_001;
    expect(queue.receive()[0].receiveCount).toBe(2);
  });
});
