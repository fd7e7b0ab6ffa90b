import middy from '@middy/core';
import { AppError, PayloadTooLargeError } from '../errors';
import { parseJson as parseJsonText } from '../json';
import { createLogger, scrub, withInvocation, type InvocationContext } from '../log';
import type { ApiReply, ApiRequest, HttpEvent, HttpResult } from '../lambda-types';

const log = createLogger({ component: 'http' });

export const MAX_BODY_BYTES = 256 * 1024;

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, ...(err.details?.length ? { details: err.details } : {}) } };
}

export function jsonResult(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** Decodes the event into an ApiRequest: raw bytes, lower-case headers, size limit, JSON parse. */
export function readRequest(event: HttpEvent, limit = MAX_BODY_BYTES, parseJson = true): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const rawBody = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (rawBody.length > limit) throw new PayloadTooLargeError(limit);
  let body: unknown;
  if (parseJson && rawBody.length) body = parseJsonText(rawBody.toString('utf8'));
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(event.rawQueryString ?? '')) query[k] = v;
  return {
    event,
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    params: {},
    query,
    headers,
    rawBody,
    body,
  };
}

/**
 * The one error boundary of the HTTP functions: an exposed AppError becomes its status and code; anything
 * else is logged (scrubbed) and answered as a 500 without details.
 */
export function toErrorResult(err: unknown, requestId?: string): HttpResult {
  if (err instanceof AppError && err.expose) return jsonResult(err.statusCode, errorBody(err));
  log.error('unhandled error', { error: err as Error, requestId, stack: scrub(String((err as Error)?.stack ?? '')).split('\n').slice(0, 6).join(' | ') });
  return jsonResult(500, { error: { code: 'internal_error', message: 'Something went wrong on our side.', ...(requestId ? { requestId } : {}) } });
}

export type Handler = (event: HttpEvent, context?: InvocationContext) => Promise<HttpResult>;

/** The HTTP middy stack, built once per function: an access log line and the error boundary. */
export function httpStack(handle: (event: HttpEvent) => Promise<HttpResult>): Handler {
  return withInvocation(middy<HttpEvent, HttpResult>()
    .use({
      after: (request) => {
        const e = request.event;
        log.info('request', { method: e.requestContext?.http?.method, path: e.rawPath, status: request.response?.statusCode });
      },
      onError: (request) => {
        request.response = toErrorResult(request.error, request.event?.requestContext?.requestId);
        const e = request.event;
        log.info('request', { method: e?.requestContext?.http?.method, path: e?.rawPath, status: request.response.statusCode });
      },
    })
    .handler(handle) as unknown as (event: HttpEvent, context?: InvocationContext) => Promise<HttpResult>);
}
