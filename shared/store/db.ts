import { config } from '../config';
import { type Backoff, defaultSleep, drainWithRetries } from '../backoff';
import {
  BatchGetCommand,
  BatchWriteCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoClient,
  QueryCommand,
  type BatchWriteCommandInput,
  type QueryCommandInput,
  type QueryCommandOutput,
} from './dynamo';

export type Item = Record<string, unknown>;
/** Which units each data operation consumes: what on-demand pricing bills (write and read request units). */
const CAPACITY_KIND: Record<string, 'read' | 'write'> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  Scan: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

/** DynamoDB throttling passes quickly: short full-jitter waits, 11 tries. */
const THROTTLED: Backoff = { baseMs: 50, maxMs: 2000 };
export interface Key {
  PK: string;
  SK: string;
}

/**
 * The one table and its client. Created once per process (module scope in Lambdas) and handed to every store,
 * so tests and the local stack can point it at dynalite or DynamoDB Local.
 */
export class Db {
  /** The client again, under the name the stores send their commands through (the SDK's document client once). */
  readonly doc: DynamoClient;
  /** Items written (puts + deletes) since creation: the benchmark's and tests' "writes" figure. */
  writes = 0;
  /**
   * Capacity units the store reported since creation: every data command asks for its ConsumedCapacity
   * (TOTAL), which costs nothing extra, so the benchmark prices a sync from what the store itself counted.
   */
  readonly consumed = { read: 0, write: 0 };

  constructor(
    readonly client: DynamoClient,
    readonly table: string,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    this.doc = client;
    client.use((next) => async (operation, input) => {
      const kind = CAPACITY_KIND[operation];
      if (!kind) return next(operation, input);
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(operation, input);
      const used = out.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
      for (const c of [used ?? []].flat()) this.consumed[kind] += c.CapacityUnits ?? 0;
      return out;
    });
  }

  /**
   * Writes every item, 25 per request, several requests at once. `UnprocessedItems` (throttling) are
   * retried with exponential backoff and full jitter; nothing is dropped: after the retries it throws.
   */
  async batchWrite(puts: Item[], deletes: Key[] = [], concurrency = 4): Promise<void> {
    const reqs: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = [
      ...puts.map((Item) => ({ PutRequest: { Item } })),
      ...deletes.map((Key) => ({ DeleteRequest: { Key: Key as unknown as Item } })),
    ];
    const chunks: (typeof reqs)[] = [];
    for (let i = 0; i < reqs.length; i += 25) chunks.push(reqs.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        await drainWithRetries(
          chunks[next++],
          async (pending) => {
            const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
            const left = out.UnprocessedItems?.[this.table] ?? [];
            this.writes += pending.length - left.length;
            return left;
          },
          { backoff: THROTTLED, attempts: 11, sleep: this.sleep, what: 'BatchWriteItem' },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  }

  /**
   * Every page of a Query on this table (after `ExclusiveStartKey` when given), following `LastEvaluatedKey`.
   * @example for await (const page of db.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } })) …
   */
  async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<QueryCommandOutput> {
    let start: Record<string, unknown> | undefined = input.ExclusiveStartKey;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start }));
      yield out;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Reads items by key, 100 per request, retrying `UnprocessedKeys`. Missing keys are simply absent. */
  async batchGet(keys: Key[], projection?: string[]): Promise<Item[]> {
    const out: Item[] = [];
    const names: Record<string, string> | undefined = projection && Object.fromEntries(projection.map((p, i) => [`#p${i}`, p]));
    const chunks: Key[][] = [];
    for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
    await Promise.all(
      chunks.map(async (chunk) => {
        await drainWithRetries(
          chunk as unknown as Item[],
          async (pending) => {
            const res = await this.doc.send(
              new BatchGetCommand({
                RequestItems: {
                  [this.table]: {
                    Keys: pending,
                    ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
                  },
                },
              }),
            );
            out.push(...(res.Responses?.[this.table] ?? []));
            return (res.UnprocessedKeys?.[this.table]?.Keys as Item[]) ?? [];
          },
          { backoff: THROTTLED, attempts: 11, sleep: this.sleep, what: 'BatchGetItem' },
        );
      }),
    );
    return out;
  }
}

/** The table definition, shared by the local stack, the tests and (mirrored) resources/table.yml. */
export const tableDefinition = (TableName: string) => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' as const },
    { AttributeName: 'SK', AttributeType: 'S' as const },
    { AttributeName: 'GSI1PK', AttributeType: 'S' as const },
    { AttributeName: 'GSI1SK', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' as const },
    { AttributeName: 'SK', KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' as const },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
});

/** Creates the table when it is missing and waits until it is usable (local stack and tests only). */
export async function ensureTable(client: DynamoClient, table: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    await client.send(new CreateTableCommand(tableDefinition(table)));
  }
  for (let i = 0; i < 200; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: table }));
    if (d.Table?.TableStatus === 'ACTIVE' && (d.Table.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`table ${table} did not become active`);
}

/** The table's client from config: an explicit `endpoint` (a local server) takes fixed local credentials. */
export function createDb(opts: { endpoint?: string; table?: string } = {}): Db {
  const client = new DynamoClient(opts.endpoint ? { endpoint: opts.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {});
  return new Db(client, opts.table ?? config().TABLE_NAME);
}
