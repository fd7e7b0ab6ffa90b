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
