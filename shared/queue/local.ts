import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from '../lambda-types';
import type { FlowMessage, QueueMessage, QueueSender } from './types';

interface Envelope {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

export interface LocalQueueOptions {
  visibilityTimeoutMs?: number;
  maxReceives?: number;
  batchSize?: number;
}

/**
 * One in-process queue with the SQS semantics the workers rely on: at-least-once delivery, visibility
 * timeout, receive count, dead-letter after `maxReceives`, and partial batch failure.
 */
export class LocalQueue {
  readonly messages: Envelope[] = [];
  readonly deadLetters: Envelope[] = [];
  readonly visibilityTimeoutMs: number;
  readonly maxReceives: number;
  readonly batchSize: number;

  constructor(
    readonly name: string,
    opts: LocalQueueOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 960_000;
    this.maxReceives = opts.maxReceives ?? 5;
    this.batchSize = opts.batchSize ?? 10;
  }

  send(body: string): void {
    this.messages.push({ id: randomUUID(), body, receiveCount: 0, visibleAt: 0, sentAt: this.now() });
  }

  /** Takes up to `batchSize` visible messages; one received `maxReceives` times already goes to the DLQ. */
  receive(): Envelope[] {
    const t = this.now();
    const out: Envelope[] = [];
    for (let i = 0; i < this.messages.length && out.length < this.batchSize; i++) {
      const m = this.messages[i];
      if (m.visibleAt > t) continue;
      if (m.receiveCount >= this.maxReceives) {
        this.messages.splice(i--, 1);
        this.deadLetters.push(m);
        continue;
      }
      m.receiveCount++;
      m.visibleAt = t + this.visibilityTimeoutMs;
      out.push(m);
    }
    return out;
  }

  delete(id: string): void {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i >= 0) this.messages.splice(i, 1);
  }

  /** Makes a received message visible again now (a failed batch item on a queue with no delay). */
  release(id: string, delayMs = 0): void {
    const m = this.messages.find((x) => x.id === id);
    if (m) m.visibleAt = this.now() + delayMs;
  }

  get depth(): number {
    return this.messages.length;
  }
}

export type SqsHandler = (event: SQSEvent, context: { getRemainingTimeInMillis(): number }) => Promise<SQSBatchResponse | void>;

/**
 * All connector queues of the local stack, and their consumers: each poll hands a batch to the same worker
 * handler Lambda would run, then deletes what succeeded and leaves the failed items for redelivery.
 */
export class LocalQueues implements QueueSender {
  readonly queues = new Map<string, LocalQueue>();
  private readonly consumers = new Map<string, SqsHandler>();
  private timer?: NodeJS.Timeout;
  private busy = new Set<string>();

  constructor(
    private readonly opts: LocalQueueOptions & { pollMs?: number; retryDelayMs?: number; timeoutMs?: number } = {},
  ) {}

  queue(type: string): LocalQueue {
    let q = this.queues.get(type);
    if (!q) this.queues.set(type, (q = new LocalQueue(type, this.opts)));
    return q;
  }

  async send(connectorType: string, messages: QueueMessage[] | FlowMessage[]): Promise<void> {
    const q = this.queue(connectorType);
    for (const m of messages) q.send(JSON.stringify(m));
    this.kick();
  }

  consume(type: string, handler: SqsHandler): void {
    this.consumers.set(type, handler);
    this.queue(type);
  }

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.opts.pollMs ?? 200);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy.size) await new Promise((r) => setTimeout(r, 20));
  }

  /** Delivers one batch per idle queue; resolves when those batches are handled. */
  kick(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [type, handler] of this.consumers) {
      if (this.busy.has(type)) continue;
      const q = this.queue(type);
      const batch = q.receive();
      if (!batch.length) continue;
      this.busy.add(type);
      work.push(this.deliver(q, handler, batch).finally(() => this.busy.delete(type)));
    }
    return Promise.all(work).then(() => undefined);
  }

  /** Runs until every queue is empty (tests and the CLI). */
  async drain(maxRounds = 10_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      await this.kick();
      while (this.busy.size) await new Promise((r) => setTimeout(r, 5));
      const pending = [...this.consumers.keys()].some((t) => this.queue(t).messages.some((m) => m.visibleAt <= Date.now()));
      if (!pending) return;
    }
  }

  private async deliver(q: LocalQueue, handler: SqsHandler, batch: Envelope[]): Promise<void> {
    const deadline = Date.now() + (this.opts.timeoutMs ?? 900_000);
    const event: SQSEvent = {
      Records: batch.map((m) => ({
        messageId: m.id,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${q.name}`,
      })),
    };
    let failed: Set<string>;
    try {
      const res = await handler(event, { getRemainingTimeInMillis: () => deadline - Date.now() });
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.id));
    }
    for (const m of batch) {
      if (failed.has(m.id)) q.release(m.id, this.opts.retryDelayMs ?? 1000);
      else q.delete(m.id);
    }
  }
}
