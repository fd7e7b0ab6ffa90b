import { randomUUID } from 'node:crypto';
import type { LambdaContext, SQSBatchResponse, SQSEvent } from '../lambda-types';
import { QueueJournal, type Envelope } from './journal';
import type { FlowMessage, NotifyMessage, QueueMessage, QueueSender } from './types';

export type { Envelope };

export interface LocalQueueOptions {
  visibilityTimeoutMs?: number;
  maxReceives?: number;
  batchSize?: number;
}

/**
 * One queue with the SQS semantics the workers rely on: at-least-once delivery, visibility timeout, receive
 * count, dead-letter after `maxReceives`, and partial batch failure. Its messages live in a journal that
 * outlives the process (see journal.ts).
 */
export class LocalQueue {
  readonly visibilityTimeoutMs: number;
  readonly maxReceives: number;
  readonly batchSize: number;

  constructor(
    readonly name: string,
    opts: LocalQueueOptions = {},
    private readonly now: () => number = Date.now,
    private readonly journal = new QueueJournal(),
  ) {
    this.visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 960_000;
    this.maxReceives = opts.maxReceives ?? 5;
    this.batchSize = opts.batchSize ?? 10;
  }

  send(body: string, delayMs = 0): void {
    this.journal.send(this.name, randomUUID(), body, this.now(), delayMs);
  }

  /** Takes up to `batchSize` visible messages; one received `maxReceives` times already goes to the DLQ. */
  receive(): Envelope[] {
    return this.journal.receive(this.name, this.batchSize, this.maxReceives, this.visibilityTimeoutMs, this.now());
  }

  delete(id: string): void {
    this.journal.delete(id);
  }

  /** Makes a received message visible again after `delayMs` (a failed batch item). */
  release(id: string, delayMs = 0): void {
    this.journal.release(id, this.now() + delayMs);
  }

  /** Whether a message is ready to be received now. */
  get ready(): boolean {
    return this.journal.hasVisible(this.name, this.now());
  }

  get messages(): Envelope[] {
    return this.journal.list(this.name, false);
  }

  get deadLetters(): Envelope[] {
    return this.journal.list(this.name, true);
  }

  get depth(): number {
    return this.messages.length;
  }
}

export type SqsHandler = (event: SQSEvent, context: LambdaContext) => Promise<SQSBatchResponse | void>;

/**
 * All connector queues of the local stack, and their consumers: each poll hands a batch to the same worker
 * handler Lambda would run, then deletes what succeeded and leaves the failed items for redelivery.
 */
export class LocalQueues implements QueueSender {
  readonly queues = new Map<string, LocalQueue>();
  private readonly consumers = new Map<string, SqsHandler>();
  private readonly journal: QueueJournal;
  private timer?: NodeJS.Timeout;
  private busy = new Set<string>();

  constructor(
    private readonly opts: LocalQueueOptions & {
      pollMs?: number;
      retryDelayMs?: number;
      timeoutMs?: number;
      /** The journal file (the data folder's `queues.db`); omit for queues that live and die with the process. */
      file?: string;
    } = {},
  ) {
    this.journal = new QueueJournal(opts.file);
  }

  queue(type: string): LocalQueue {
    let q = this.queues.get(type);
    if (!q) this.queues.set(type, (q = new LocalQueue(type, this.opts, Date.now, this.journal)));
    return q;
  }

  /** Resolves once the messages are in the journal: what the caller acknowledges next survives a crash. */
  async send(connectorType: string, messages: QueueMessage[] | FlowMessage[] | NotifyMessage[], opts: { delaySeconds?: number } = {}): Promise<void> {
    const q = this.queue(connectorType);
    for (const m of messages) q.send(JSON.stringify(m), (opts.delaySeconds ?? 0) * 1000);
    void this.kick();
  }

  consume(type: string, handler: SqsHandler): void {
    this.consumers.set(type, handler);
    this.queue(type);
  }

  /**
   * Makes what was in flight visible again. A journal file is shared with the CLI, which only sends: the one
   * stack that starts it is its consumer, so what is in flight when it starts was received by a process that
   * died. Call before start; answers the messages redelivered.
   */
  recoverInFlight(): Envelope[] {
    return this.journal.redeliverInFlight(Date.now());
  }

  start(): void {
    this.timer ??= setInterval(() => void this.kick(), this.opts.pollMs ?? 200);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy.size) await new Promise((r) => setTimeout(r, 20));
    this.journal.close();
  }

  /** In-process queues are consumed here; a shared journal only by the stack that started it. */
  private get consuming(): boolean {
    return !this.opts.file || this.timer !== undefined;
  }

  /** Delivers one batch per idle queue; resolves when those batches are handled. */
  kick(): Promise<void> {
    const work: Promise<void>[] = [];
    if (!this.consuming) return Promise.resolve();
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

  /** Runs until every queue (or every one of `types`) has nothing ready (tests and the CLI). */
  async drain(types?: string[], maxRounds = 10_000): Promise<void> {
    if (!this.consuming) return;
    for (let i = 0; i < maxRounds; i++) {
      await this.kick();
      while (this.busy.size) await new Promise((r) => setTimeout(r, 5));
      const pending = (types ?? [...this.consumers.keys()]).some((t) => this.queue(t).ready);
      if (!pending) return;
    }
  }
  /**
   * Delivers what is ready on one queue, in this process, even on a journal this process does not consume: for a
   * command that owns the data folder (no stack is running, so nobody else would) and exits afterwards.
   */
  async drainQueue(type: string): Promise<void> {
    const handler = this.consumers.get(type);
    const q = this.queue(type);
    for (let batch = q.receive(); handler && batch.length; batch = q.receive()) await this.deliver(q, handler, batch);
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
      const res = await handler(event, { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: randomUUID(), functionName: `local-${q.name}-worker` });
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
