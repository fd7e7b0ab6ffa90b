import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { text } from 'node:stream/consumers';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { sign } from 'aws4';
import { type Backoff, backoffMs, defaultSleep, type Sleep } from '../backoff';
import { config } from '../config';
import { AppError } from '../errors';

/**
 * DynamoDB's JSON protocol spoken directly. The SDK's DynamoDBClient and document client cost every Lambda about
 * 80 ms of module init, for what is here one table and a dozen operations. The commands keep the SDK's names and
 * the document client's shapes (plain values in and out, marshalled by @aws-sdk/util-dynamodb as lib-dynamodb
 * does), so a store reads the same as it did with the SDK.
 */

export type Item = Record<string, NativeAttributeValue>;
/** A body as it goes over the wire: attribute values marshalled (`{ S: 'x' }`). */
export type Wire = Record<string, unknown>;

type ReturnCapacity = { ReturnConsumedCapacity?: 'TOTAL' | 'INDEXES' | 'NONE' };
type Names = { ExpressionAttributeNames?: Record<string, string> };
type Values = { ExpressionAttributeValues?: Item };
type Conditional = ReturnCapacity & Names & Values & { ConditionExpression?: string };
export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export type GetCommandInput = ReturnCapacity & Names & { TableName: string; Key: Item; ConsistentRead?: boolean; ProjectionExpression?: string };
export type PutCommandInput = Conditional & { TableName: string; Item: Item; ReturnValues?: 'NONE' | 'ALL_OLD' };
export type UpdateCommandInput = Conditional & { TableName: string; Key: Item; UpdateExpression: string; ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW' };
export type DeleteCommandInput = Conditional & { TableName: string; Key: Item; ReturnValues?: 'NONE' | 'ALL_OLD' };
type Reading = ReturnCapacity &
  Names &
  Values & {
    TableName: string;
    IndexName?: string;
    FilterExpression?: string;
    ProjectionExpression?: string;
    ExclusiveStartKey?: Item;
    Limit?: number;
    ConsistentRead?: boolean;
    Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  };
export type QueryCommandInput = Reading & { KeyConditionExpression: string; ScanIndexForward?: boolean };
export type ScanCommandInput = Reading & { Segment?: number; TotalSegments?: number };
type KeysAndAttributes = Names & { Keys: Item[]; ProjectionExpression?: string; ConsistentRead?: boolean };
export type BatchGetCommandInput = ReturnCapacity & { RequestItems: Record<string, KeysAndAttributes> };
export type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
export type BatchWriteCommandInput = ReturnCapacity & { RequestItems: Record<string, WriteRequest[]> };

type Consumed = { ConsumedCapacity?: ConsumedCapacity };
export type GetCommandOutput = Consumed & { Item?: Item };
/** What Put, Update and Delete answer. */
export type WriteCommandOutput = Consumed & { Attributes?: Item };
export type QueryCommandOutput = Consumed & { Items?: Item[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: Item };
export type BatchGetCommandOutput = { Responses?: Record<string, Item[]>; UnprocessedKeys?: BatchGetCommandInput['RequestItems']; ConsumedCapacity?: ConsumedCapacity[] };
export type BatchWriteCommandOutput = { UnprocessedItems?: BatchWriteCommandInput['RequestItems']; ConsumedCapacity?: ConsumedCapacity[] };
export interface TableDescription {
  TableName?: string;
  TableStatus?: string;
  GlobalSecondaryIndexes?: { IndexName?: string; IndexStatus?: string }[];
}

/** One operation's input; `Out` only types what `send` answers. */
export abstract class Command<In, Out> {
  declare readonly _output: Out;
  abstract readonly operation: string;
  constructor(readonly input: In) {}
}
const command = <In, Out>(operation: string) =>
  class extends Command<In, Out> {
    readonly operation = operation;
  };

export const GetCommand = command<GetCommandInput, GetCommandOutput>('GetItem');
export const PutCommand = command<PutCommandInput, WriteCommandOutput>('PutItem');
export const UpdateCommand = command<UpdateCommandInput, WriteCommandOutput>('UpdateItem');
export const DeleteCommand = command<DeleteCommandInput, WriteCommandOutput>('DeleteItem');
export const QueryCommand = command<QueryCommandInput, QueryCommandOutput>('Query');
export const ScanCommand = command<ScanCommandInput, QueryCommandOutput>('Scan');
export const BatchGetCommand = command<BatchGetCommandInput, BatchGetCommandOutput>('BatchGetItem');
export const BatchWriteCommand = command<BatchWriteCommandInput, BatchWriteCommandOutput>('BatchWriteItem');
export const CreateTableCommand = command<{ TableName: string } & Wire, { TableDescription?: TableDescription }>('CreateTable');
export const DescribeTableCommand = command<{ TableName: string }, { Table?: TableDescription }>('DescribeTable');

/**
 * Where a body holds items, in any operation's input or output: `true` is an item (or, in an array, each
 * element), `*` any key (a table name). lib-dynamodb marshals the same members.
 */
type Shape = true | { [member: string]: Shape };
const REQUESTS: Shape = { Keys: true, PutRequest: { Item: true }, DeleteRequest: { Key: true } };
const ITEMS: Shape = {
  Key: true,
  Item: true,
  Items: true,
  Attributes: true,
  ExpressionAttributeValues: true,
  ExclusiveStartKey: true,
  LastEvaluatedKey: true,
  Responses: { '*': true },
  RequestItems: { '*': REQUESTS },
  UnprocessedKeys: { '*': REQUESTS },
  UnprocessedItems: { '*': REQUESTS },
};

function walk(value: unknown, shape: Shape | undefined, convert: (item: Wire) => Wire): unknown {
  if (shape === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, shape, convert));
  if (shape === true) return convert(value as Wire);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, shape[k] ?? shape['*'], convert)]));
}
const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: true };
const toWire = (item: Wire): Wire => marshall(item, MARSHALL);
const fromWire = (item: Wire): Wire => unmarshall(item as Parameters<typeof unmarshall>[0]);
/**
 * A body's JSON. Binary attributes go as base64 (JSON would spell a Uint8Array as an object). A map that does not
 * inherit from Object is where marshall met a `__proto__` key (JSON.parse makes it an own key; marshall's
 * assignment sets the map's prototype instead, and the attribute would vanish): the item is refused as DynamoDB
 * refuses one it cannot hold, rather than written without it. Both are found by one walk in JS first: a
 * replacer would make JSON.stringify call back for every attribute (1.2 s of a 100,000-record sync's CPU).
 */
function wireBody(input: Wire): string {
  return JSON.stringify(input, holdsBinary(input) ? base64Binary : undefined);
}
function holdsBinary(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return true;
  let found = false;
  if (Array.isArray(value)) {
    for (const v of value) found = holdsBinary(v) || found;
    return found;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype)
    throw Object.assign(new Error('One or more parameter values were invalid: an attribute is named __proto__'), { name: 'ValidationException' });
  for (const k in value) found = holdsBinary((value as Record<string, unknown>)[k]) || found;
  return found;
}
function base64Binary(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : value;
}
const BINARY = /"BS?":/;
const base64AsBinary = (key: string, value: unknown): unknown =>
  key === 'B' && typeof value === 'string'
    ? Buffer.from(value, 'base64')
    : key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? value.map((v: string) => Buffer.from(v, 'base64'))
      : value;

/** One round trip to DynamoDB: `operation` as X-Amz-Target names it ('PutItem', 'Query'…), bodies as on the wire. */
export type Handler = (operation: string, input: Wire) => Promise<Wire>;
/** Wraps every call the client makes, whatever code sent it (capacity accounting, the local change stream). */
export type Layer = (next: Handler) => Handler;

/**
 * An error DynamoDB answered, named as the SDK names it (`ConditionalCheckFailedException`…). Deliberately not
 * an AppError, as the SDK's exceptions were not: a store failure is not one of the expected failures the
 * callers catch as AppErrors.
 */
export type DynamoError = Error & { $metadata: { httpStatusCode: number; requestId?: string } };

function dynamoError(status: number, body: string, requestId: string | undefined): DynamoError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not DynamoDB's own answer (a proxy's page): the status says what there is to say.
  }
  const name = parsed.__type?.split('#').pop() ?? (status >= 500 ? 'InternalServerError' : 'UnknownError');
  return Object.assign(new Error(parsed.message ?? parsed.Message ?? `DynamoDB answered HTTP ${status}`), { name, $metadata: { httpStatusCode: status, requestId } });
}

/** The SDK's standard retry mode: throttling waits longer than other transient failures; both fully jittered. */
const THROTTLED: Backoff = { baseMs: 500, maxMs: 20_000 };
const TRANSIENT: Backoff = { baseMs: 100, maxMs: 20_000 };
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** How to wait before retrying `err`, or nothing when it is final (a failed condition, a validation error…). */
function retryBackoff(err: unknown): Backoff | undefined {
  const e = err as Partial<DynamoError> & { code?: string };
  if (e.name && THROTTLING.has(e.name)) return THROTTLED;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500 || (e.code && NETWORK.has(e.code))) return TRANSIENT;
  return undefined;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The SDK's default chain (profile, SSO, container, instance metadata…) for a developer's machine, imported on
 * first use so that no Lambda, which has its role's credentials in the environment, loads it. The provider
 * caches what it resolved and refreshes it before it expires.
 */
function defaultChain(): () => Promise<Credentials> {
  let provider: Promise<() => Promise<Credentials>> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider());
    return (await provider)();
  };
}

export interface DynamoClientOptions {
  /** Default: AWS_ENDPOINT_URL_DYNAMODB, else the region's public endpoint. */
  endpoint?: string;
  /** Default: AWS_REGION, else AWS_DEFAULT_REGION. */
  region?: string;
  /** Default: the environment's (what Lambda sets), else the SDK's default chain. */
  credentials?: Credentials;
  /** Tries per call, the first included. */
  maxAttempts?: number;
  /** A connection silent this long is dropped and the call retried (default 10 s; DynamoDB answers in milliseconds). */
  timeoutMs?: number;
  sleep?: Sleep;
}

/**
 * The one DynamoDB client: `send` a command, get the document client's answer. Connections are kept alive
 * (a warm Lambda reuses its socket); a reset one is retried like any network error.
 */
export class DynamoClient {
  private readonly layers: Layer[] = [];
  private readonly region?: string;
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly credentials: () => Promise<Credentials>;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly sleep: Sleep;

  constructor(opts: DynamoClientOptions = {}) {
    const c = config();
    this.region = opts.region || c.AWS_REGION || c.AWS_DEFAULT_REGION;
    this.url = new URL(opts.endpoint || c.AWS_ENDPOINT_URL_DYNAMODB || `https://dynamodb.${this.region}.amazonaws.com/`);
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 50 }) : new HttpAgent({ keepAlive: true, maxSockets: 50 });
    const env = c.AWS_ACCESS_KEY_ID && c.AWS_SECRET_ACCESS_KEY ? { accessKeyId: c.AWS_ACCESS_KEY_ID, secretAccessKey: c.AWS_SECRET_ACCESS_KEY, sessionToken: c.AWS_SESSION_TOKEN } : undefined;
    const fixed = opts.credentials ?? env;
    this.credentials = fixed ? async () => fixed : defaultChain();
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Adds a layer around every later call (the first added is the outermost); the returned function removes it. */
  use(layer: Layer): () => void {
    this.layers.push(layer);
    return () => {
      const at = this.layers.indexOf(layer);
      if (at >= 0) this.layers.splice(at, 1);
    };
  }

  async send<In, Out>(command: Command<In, Out>): Promise<Out> {
    const handler = this.layers.reduceRight<Handler>((next, layer) => layer(next), (operation, input) => this.call(operation, input));
    const out = await handler(command.operation, walk(command.input, ITEMS, toWire) as Wire);
    return walk(out, ITEMS, fromWire) as Out;
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }

  private async call(operation: string, input: Wire): Promise<Wire> {
    if (!this.region) throw new AppError('missing_region', 'DynamoDB needs a region: set AWS_REGION.');
    const body = wireBody(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.post(operation, body);
      } catch (err) {
        const backoff = retryBackoff(err);
        if (!backoff || attempt >= this.maxAttempts) throw err;
        await this.sleep(backoffMs(attempt - 1, backoff));
      }
    }
  }

  /** One signed attempt (signed anew each time: the signature carries the time). */
  private async post(operation: string, body: string): Promise<Wire> {
    const signed = sign(
      {
        service: 'dynamodb',
        region: this.region,
        method: 'POST',
        // An IPv6 endpoint's host is bracketed in the Host header and bare for the socket.
        hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.url.port || undefined,
        path: this.url.pathname,
        body,
        headers: { Host: this.url.host, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${operation}` },
      },
      await this.credentials(),
    );
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (this.url.protocol === 'https:' ? httpsRequest : httpRequest)({ ...signed, agent: this.agent }, resolve);
      req.on('error', reject);
      // Without it a lost connection would hold the call until the Lambda's own timeout.
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`DynamoDB did not answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.end(body);
    });
    const answer = await text(res);
    // A reviver makes JSON.parse several times slower (a snapshot page is 1 MB of attributes): only when binary is there.
    if (res.statusCode === 200) return JSON.parse(answer, BINARY.test(answer) ? base64AsBinary : undefined) as Wire;
    throw dynamoError(res.statusCode ?? 0, answer, res.headers['x-amzn-requestid'] as string | undefined);
  }
}
