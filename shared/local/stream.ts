import * as z from 'zod';
import type { LocalQueues } from '../queue/local';
import type { Db } from '../store/db';

/**
 * The local store's stand-in for DynamoDB Streams (dynalite has none): every item key a successful write
 * touched (PutItem, UpdateItem, DeleteItem, BatchWriteItem minus its UnprocessedItems, TransactWriteItems) is
 * captured from the store client itself, whatever code sent it. The keys of each write are appended to a queue
 * of the local queues' journal before the writer's call returns, so, like DynamoDB Streams, a change the store
 * took is kept whatever happens to the process next: the stack that starts on the folder hands on what a dead
 * one had not (at least once; the flow ledger makes a repeat cost a comparison). A failed hand-on is retried
 * and finally dead-lettered, as Lambda does with a stream batch.
 */
export interface LocalStream {
  /** Waits until every captured change has been handed on (by this process, when it consumes the queues). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** The journal's queue of captured changes: one message per write, its keys. */
export const CHANGES_QUEUE = 'record-changes';

const KeysSchema = z.array(z.object({ PK: z.string(), SK: z.string() }));
type Key = z.infer<typeof KeysSchema>[number];
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

export function startLocalStream(db: Db, queues: LocalQueues, handle: (keys: Key[]) => Promise<unknown>, opts: { filter?: (k: Key) => boolean } = {}): LocalStream {
  queues.consume(CHANGES_QUEUE, async (event) => {
    await handle(event.Records.flatMap((r) => KeysSchema.parse(JSON.parse(r.body))));
  });
  const changes = queues.queue(CHANGES_QUEUE);
  const name = 'localStreamCapture';
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const keys = keysOf(String(context.commandName), args.input as Record<string, unknown>, out.output as unknown as Record<string, unknown>).filter((k) => !opts.filter || opts.filter(k));
      if (keys.length) {
        // Synchronous (better-sqlite3): committed before the writer learns its write succeeded.
        changes.send(JSON.stringify(keys));
        void queues.kick();
      }
      return out;
    },
    // After the document client has marshalled its input, so both clients' commands look alike here.
    { step: 'serialize', priority: 'high', name },
  );

  return {
    flush: () => queues.drain([CHANGES_QUEUE]),
    async stop() {
      db.client.middlewareStack.remove(name);
    },
  };
}
