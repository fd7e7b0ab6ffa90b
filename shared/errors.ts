/**
 * One error model for the whole service: every thrown class derives from `AppError`, with a stable snake_case
 * `code`, our HTTP `statusCode`, and `expose` deciding whether its message reaches a client (status < 500, or
 * a 5xx code of API_ERRORS). Wrap a lower error with `{ cause }` so the chain survives into the logs.
 */
/**
 * Every code the HTTP API answers a client mistake with, and its status: the one list the OpenAPI document
 * names per route (shared/api/openapi.ts), so a code there is one that exists here. A 5xx listed here is a failure
 * of ours the client is told apart from `internal_error` (without detail), so it knows a retry may help.
 */
export const API_ERRORS = {
  validation_error: 400,
  invalid_json: 400,
  json_too_deep: 400,
  unexpected_body: 400,
  invalid_if_match: 400,
  unknown_integration_type: 400,
  webhooks_not_supported: 400,
  secret_generated: 400,
  secret_not_generated: 400,
  undeliverable_url: 400,
  target_not_allowed: 400,
  invalid_template: 400,
  nothing_to_sync: 400,
  /** Imports: into an integration that is not a file one; no body; a file whose header cannot be used. */
  not_importable: 400,
  empty_body: 400,
  invalid_file: 400,
  /** A CSV export whose records have more distinct fields than a header may hold. */
  too_many_columns: 400,
  /** The OIDC provider refused an authorization code (used, expired, or not for this verifier). */
  invalid_grant: 400,
  invalid_api_key: 401,
  invalid_signature: 401,
  invalid_token: 401,
  /** A viewer calling a route that changes something; a person signed in without a tenant. */
  read_only_role: 403,
  no_tenant: 403,
  /** A viewer reading what only admins see (the tenant's people). */
  admin_role_required: 403,
  not_found: 404,
  integration_not_found: 404,
  run_not_found: 404,
  flow_not_found: 404,
  report_not_found: 404,
  channel_not_found: 404,
  api_key_not_found: 404,
  tenant_not_found: 404,
  user_not_found: 404,
  /** No route has this path (not listed per operation), or none has this method on it. */
  route_not_found: 404,
  method_not_allowed: 405,
  version_conflict: 409,
  too_many_api_keys: 409,
  too_many_users: 409,
  user_in_other_tenant: 409,
  /** Sign-in for people asked of a stack without an OIDC provider (OIDC_ISSUER). */
  sso_not_configured: 409,
  payload_too_large: 413,
  /** The function that runs a connection test (the type's worker) did not answer: throttled, failing or gone. */
  worker_unavailable: 502,
} as const satisfies Record<string, number>;
export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly expose: boolean;
  readonly details?: ErrorDetail[];

  constructor(code: string, message: string, statusCode = 500, details?: ErrorDetail[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
    this.expose = statusCode < 500 || (API_ERRORS as Record<string, number>)[code] === statusCode;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('validation_error', message, 400, details);
  }
}
export class BadJsonError extends AppError {
  constructor() {
    super('invalid_json', 'The request body is not valid JSON.', 400);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super('payload_too_large', `The request body is larger than ${limit} bytes.`, 413);
  }
}
export class UnauthorizedError extends AppError {
  constructor(code: ApiErrorCode = 'invalid_api_key', message = 'The API key is missing or not valid.') {
    super(code, message, 401);
  }
}
/** Signed in, but not allowed: a viewer asking to change something, a user with no tenant. */
export class ForbiddenError extends AppError {
  constructor(code: ApiErrorCode, message: string) {
    super(code, message, 403);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'resource', code: ApiErrorCode = 'not_found') {
    super(code, `The ${what} was not found.`, 404);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, code: ApiErrorCode | 'concurrent_update' = 'version_conflict') {
    super(code, message, 409);
  }
}
export class UnknownTypeError extends AppError {
  constructor(type: string, known: string[]) {
    super('unknown_integration_type', `Unknown integration type "${type}". Known types: ${known.join(', ')}.`, 400, [
      { path: 'type', message: `must be one of: ${known.join(', ')}` },
    ]);
  }
}

/**
 * A failure talking to a source system. Never carries a token: only connector, stream, method, path, status.
 * `status` is the vendor's HTTP status; `statusCode` (502) is ours, what an API client would be answered.
 */
export class SourceError extends AppError {
  readonly status?: number;
  readonly retryable: boolean;
  /** For a retryable error: the earliest time (epoch ms) a retry can succeed, e.g. when a vendor's daily window reopens. */
  readonly retryAt?: number;
  constructor(
    code: string,
    message: string,
    opts: { status?: number; retryable?: boolean; retryAt?: number; cause?: unknown } = {},
  ) {
    super(code, message, 502, undefined, { cause: opts.cause });
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
    this.retryAt = opts.retryAt;
  }
}

/** A page the source sent that we cannot parse: the run fails and the cursor stays where it was. */
export class MalformedPageError extends SourceError {
  constructor(message: string) {
    super('malformed_page', message);
  }
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
