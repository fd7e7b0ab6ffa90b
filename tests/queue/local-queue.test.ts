import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  describe('with a journal file (the data folder)', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-queue-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const msg = { kind: 'webhook' as const, tenantId: 't', integrationId: 'i', eventKey: 'k' };

    it('keeps what was sent and redelivers what was in flight to the next process, receive count kept, until the dead-letter list', async () => {
      const file = join(dir, 'queues.db');
      const first = new LocalQueues({ file });
      await first.send('x', [msg]);
      expect(first.queue('x').receive()).toHaveLength(1);
      // The process dies with the message in flight (15 minutes of visibility left): never closed, never deleted.
      for (let life = 2; life <= 5; life++) {
        const next = new LocalQueues({ file });
        expect(next.recoverInFlight().map((m) => m.receiveCount)).toEqual([life - 1]);
        expect(next.queue('x').receive().map((m) => m.receiveCount)).toEqual([life]);
      }
      // A message that killed its consumer five times is dead-lettered at the next receive, as SQS's redrive does.
      const last = new LocalQueues({ file });
      last.recoverInFlight();
      expect(last.queue('x').receive()).toEqual([]);
      expect(last.queue('x').deadLetters.map((m) => [JSON.parse(m.body).eventKey, m.receiveCount])).toEqual([['k', 5]]);
      await first.stop();
      await last.stop();
    });

    it('is only consumed by the process that started it: a CLI sending next to a running stack never takes its messages', async () => {
      const file = join(dir, 'queues.db');
      const cli = new LocalQueues({ file });
      const stack = new LocalQueues({ file, pollMs: 5, retryDelayMs: 0 });
      const seen: string[] = [];
      for (const q of [cli, stack]) q.consume('x', async (e) => void seen.push(...e.Records.map(() => (q === cli ? 'cli' : 'stack'))));
      await cli.send('x', [msg, msg]);
      await cli.drain();
      expect(seen).toEqual([]);
      stack.start();
      await stack.drain();
      expect(seen).toEqual(['stack', 'stack']);
      await cli.stop();
      await stack.stop();
    });
  });
});
