/**
 * The few Lambda event shapes we use, declared here rather than pulling in @types/aws-lambda for them.
 * They match what API Gateway (HTTP API, payload 2.0), SQS and EventBridge send.
 */
export interface HttpEvent {
  version?: '2.0';
  routeKey?: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: { http: { method: string; path: string; sourceIp?: string }; requestId?: string; timeEpoch?: number };
}

export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /**
   * A body written as it is produced (an export), for the local HTTP server only: a Lambda behind API
   * Gateway cannot stream its answer, so deployed routes never set it.
   */
  stream?: AsyncIterable<string | Uint8Array>;
}

export interface SQSRecord {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp?: string };
  eventSource?: string;
  eventSourceARN?: string;
}
export interface SQSEvent {
  Records: SQSRecord[];
}
export interface SQSBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
}

/** An HTTP request as our handlers see it (decoded from the API Gateway event by `api/middleware.ts`). */
export interface ApiRequest {
  event: HttpEvent;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The raw body bytes, decoded from base64 when API Gateway encoded them. */
  rawBody: Buffer;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
  tenantId?: string;
  /** Who is calling (set by the router on authenticated routes); `tenantId` is its tenant. */
  principal?: Principal;
}

/** `admin` may change things; `viewer` may only read (every non-GET route answers a viewer 403). */
export type Role = 'admin' | 'viewer';

/** An authenticated caller: a program with an API key (always `admin`), or a person signed in with SSO. */
export interface Principal {
  tenantId: string;
  role: Role;
  via: 'api_key' | 'sso';
  /** The API key's id (via api_key). */
  keyId?: string;
  /** The token's issuer and user claim (via sso). */
  issuer?: string;
  user?: string;
}

export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is (TwiML, plain text). */
  raw?: string;
  /** A body sent as it is produced (see HttpResult.stream). */
  stream?: AsyncIterable<string | Uint8Array>;
}
