import type { Db } from '../store/db';

/**
 * The local store's stand-in for DynamoDB Streams (dynalite has none): every item key a successful write
 * touched (PutItem, UpdateItem, DeleteItem, BatchWriteItem minus its UnprocessedItems, TransactWriteItems) is
 * captured from the store client itself, whatever code sent it, and handed on in batches like a stream's shard
 * reads (up to `batchSize` keys, at most `intervalMs` after the first). Like the local queues it lives in
 * memory: a crash of the local process loses what it had not handed on yet (in AWS the stream is durable).
 */
export interface LocalStream {
  /** Waits until every captured change has been handed on. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

type Key = { PK: string; SK: string };
type AttributeValue = string | { S?: string } | undefined;
const str = (v: AttributeValue) => (typeof v === 'string' ? v : v?.S);

function keysOf(command: string, input: Record<string, unknown>, output: Record<string, unknown>): Key[] {
  const key = (k: Record<string, AttributeValue> | undefined): Key[] => {
    const PK = str(k?.PK);
    const SK = str(k?.SK);
    return PK !== undefined && SK !== undefined ? [{ PK, SK }] : [];
  };
  type Req = { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } };
  switch (command) {
    case 'PutItemCommand':
      return key(input.Item as Record<string, AttributeValue>);
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return key(input.Key as Record<string, AttributeValue>);
    case 'BatchWriteItemCommand': {
      const left = new Set(Object.values((output.UnprocessedItems ?? {}) as Record<string, Req[]>).flat());
      return Object.values(input.RequestItems as Record<string, Req[]>)
        .flat()
        .filter((r) => !left.has(r))
        .flatMap((r) => key(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
    }
    case 'TransactWriteItemsCommand':
      return (input.TransactItems as Array<Record<string, { Item?: Record<string, AttributeValue>; Key?: Record<string, AttributeValue> }>>).flatMap((t) =>
        Object.values(t).flatMap((op) => key(op.Item ?? op.Key)),
      );
    default:
      return [];
  }
}

export function startLocalStream(db: Db, handle: (keys: Key[]) => Promise<unknown>, opts: { batchSize?: number; intervalMs?: number; filter?: (k: Key) => boolean } = {}): LocalStream {
  const batchSize = opts.batchSize ?? 100;
  const pending: Key[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const drain = () => {
    timer = undefined;
    running = running.then(async () => {
      while (pending.length) {
        const batch = pending.splice(0, batchSize);
        // A failed hand-on is retried, as Lambda retries a stream batch, rather than dropped.
        for (let attempt = 0; ; attempt++) {
          try {
            await handle(batch);
            break;
          } catch (err) {
            if (stopped || attempt >= 9) throw err;
            await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          }
        }
      }
    }).catch(() => undefined);
  };

  const name = 'localStreamCapture';
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (!stopped) {
        const keys = keysOf(String(context.commandName), args.input as Record<string, unknown>, out.output as unknown as Record<string, unknown>).filter((k) => !opts.filter || opts.filter(k));
        if (keys.length) {
          pending.push(...keys);
          if (pending.length >= batchSize) drain();
          else timer ??= setTimeout(drain, opts.intervalMs ?? 50);
        }
      }
      return out;
    },
    // After the document client has marshalled its input, so both clients' commands look alike here.
    { step: 'serialize', priority: 'high', name },
  );

  return {
    async flush() {
      while (pending.length || timer) {
        if (timer) {
          clearTimeout(timer);
          drain();
        }
        await running;
      }
      await running;
    },
    async stop() {
      await this.flush();
      stopped = true;
      db.client.middlewareStack.remove(name);
    },
  };
}
