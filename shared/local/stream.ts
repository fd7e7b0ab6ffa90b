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
type AttributeValue = { S?: string } | undefined;

function keysOf(operation: string, input: Record<string, unknown>, output: Record<string, unknown>): Key[] {
  const key = (k: Record<string, AttributeValue> | undefined): Key[] => {
    const PK = k?.PK?.S;
    const SK = k?.SK?.S;
    return PK !== undefined && SK !== undefined ? [{ PK, SK }] : [];
  };
  type Req = { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } };
  const keysOfRequests = (requests: Record<string, Req[]>) => Object.values(requests).flat().flatMap((r) => key(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
  switch (operation) {
    case 'PutItem':
      return key(input.Item as Record<string, AttributeValue>);
    case 'UpdateItem':
    case 'DeleteItem':
      return key(input.Key as Record<string, AttributeValue>);
    case 'BatchWriteItem': {
      const left = new Set(keysOfRequests((output.UnprocessedItems ?? {}) as Record<string, Req[]>).map((k) => JSON.stringify(k)));
      return keysOfRequests(input.RequestItems as Record<string, Req[]>).filter((k) => !left.has(JSON.stringify(k)));
    }
    case 'TransactWriteItems':
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
  const remove = db.client.use((next) => async (operation, input) => {
    const out = await next(operation, input);
    const keys = keysOf(operation, input, out).filter((k) => !opts.filter || opts.filter(k));
    if (keys.length) {
      // Synchronous (better-sqlite3): committed before the writer learns its write succeeded.
      changes.send(JSON.stringify(keys));
      void queues.kick();
    }
    return out;
  });

  return {
    flush: () => queues.drain([CHANGES_QUEUE]),
    async stop() {
      remove();
    },
  };
}
