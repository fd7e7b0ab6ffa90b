import type * as z from 'zod';
import { API_ERRORS, AppError, ForbiddenError, NotFoundError, UnauthorizedError, type ApiErrorCode } from '../errors';
import type { HttpEvent, HttpResult } from '../lambda-types';
import type { ApiReply, ApiRequest, Principal } from '../lambda-types';
import { jsonResult, readRequest } from './middleware';
import type * as Replies from './replies';

/** One success answer of a route, as documented and as checked against what the handler replies. */
export interface RouteReply {
  description: string;
  /** The JSON body's schema, from replies.ts (`r`) or built here; without it (and without `raw`) the reply has no body, e.g. a 204. */
  body?: (r: typeof Replies) => z.ZodType;
  /** The media type(s) of a body sent as is (`ApiReply.raw`, e.g. Twilio's TwiML) or streamed (`ApiReply.stream`, an export). */
  raw?: string | string[];
  /** Headers the reply always carries: lower-case name → what it holds (`etag`, `location`). */
  headers?: Record<string, string>;
}

/** A body the handler reads as raw bytes (webhooks): its media types and the headers that authenticate it. */
export interface RawBody {
  mediaTypes: string[];
  headers: { name: string; description: string; required: boolean }[];
}

export interface Route {
  method: string;
  /** `/api/integrations/{id}/runs/{runId}` style. */
  path: string;
  /** Needs a tenant (API key or sign-in token); webhooks authenticate by signature instead. Non-GET ones need the admin role. */
  auth: boolean;
  /** Only the admin role may call it, even to read (the tenant's people); the router refuses others. */
  adminOnly?: boolean;
  /** Webhooks keep the raw bytes and parse themselves. */
  rawBody?: RawBody;
  /** Largest body in bytes (default MAX_BODY_BYTES); a larger one is a 413. */
  maxBody?: number;
  /** One line for the OpenAPI document. */
  summary?: string;
  /** The schema the handler parses its JSON body with, so the published contract is the enforced one. */
  body?: z.ZodType;
  /** The schema the handler parses its query string with. */
  query?: z.ZodType;
  /** Path parameters narrower than the router's (a string of 1 to MAX_PARAM_LENGTH characters). */
  params?: Record<string, z.ZodType>;
  /**
   * Every success status the handler answers, with its body schema: the document's responses, and under
   * `npm start` and the tests every reply is checked against it (checkReply), so the two cannot drift apart.
   */
  responses: Record<number, RouteReply>;
  /** The 4xx codes it answers beyond those its shape implies (API key, JSON body, query, path parameters). */
  errors?: ApiErrorCode[];
  handle(req: ApiRequest): Promise<ApiReply>;
}

/**
 * Longest path parameter we look up. Our ids are 26-character ULIDs; the store refuses keys over 1 KB with an
 * error that would be a 500, so a longer one is answered as what it is: nothing by that id.
 */
export const MAX_PARAM_LENGTH = 128;

/**
 * The same API under `/sso/api/…`: in AWS these routes sit behind API Gateway's JWT authorizer (the dashboard's
 * way in for people), while `/api/…` stays open to API keys; both reach the same functions and routes here.
 */
export const SSO_PREFIX = '/sso';

/** Methods a viewer may call: everything else changes something. */
const READ_METHODS = new Set(['GET', 'HEAD']);

interface Compiled extends Route {
  re: RegExp;
  names: string[];
}

function compile(r: Route): Compiled {
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
        names.push(a ?? b);
        return '([^/]+)';
      }) +
      '/?$',
  );
  return { ...r, re, names };
}

/**
 * Throws (a 500, logged with the reason) when a reply is not what its route declares: an undeclared status, a
 * body that does not parse with the declared schema as it goes out on the wire (JSON round trip), or a
 * declared header missing.
 */
export function checkReply(r: Route, reply: ApiReply, replies: typeof Replies): void {
  const spec = r.responses[reply.status];
  const problem = ((): string | undefined => {
    if (!spec) return `status ${reply.status} is not one of ${Object.keys(r.responses).join(', ')}`;
    const missing = Object.keys(spec.headers ?? {}).filter((h) => reply.headers?.[h] === undefined);
    if (missing.length) return `header ${missing.join(', ')} missing`;
    if (spec.raw) return typeof reply.raw === 'string' || reply.stream ? undefined : `a ${spec.raw} body is declared`;
    if (reply.raw !== undefined || reply.stream) return 'a raw body is not declared';
    if (!spec.body) return reply.body === undefined ? undefined : 'a body is not declared';
    const sent = reply.body === undefined ? undefined : JSON.parse(JSON.stringify(reply.body));
    const parsed = spec.body(replies).safeParse(sent);
    return parsed.success ? undefined : parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  })();
  if (problem) throw new AppError('reply_not_in_contract', `${r.method} ${r.path} answered ${reply.status} outside its contract: ${problem}`, 500);
}

/** The 4xx codes a route can answer: those its shape implies (Router.handle, readRequest) and its own. */
export function errorCodes(r: Route): ApiErrorCode[] {
  const codes: ApiErrorCode[] = [];
  // An API key, or a sign-in token; a viewer may only read (Router.authorize).
  if (r.auth) codes.push('invalid_api_key', 'invalid_token', 'no_tenant');
  if (r.auth && !READ_METHODS.has(r.method)) codes.push('read_only_role');
  if (r.auth && r.adminOnly) codes.push('admin_role_required');
  if (/\{\w+\}/.test(r.path)) codes.push('not_found');
  // Every body is size-checked, and every body of a non-webhook route is parsed as JSON, schema or not.
  codes.push('payload_too_large');
  if (!r.rawBody) codes.push('invalid_json', 'json_too_deep');
  if (r.body || r.query) codes.push('validation_error');
  return [...new Set([...codes, ...(r.errors ?? [])])];
}

/** Throws (a 500, logged) when a route answers a client error whose code or status it does not declare. */
export function checkError(r: Route, err: unknown): void {
  if (!(err instanceof AppError) || !err.expose) return;
  const declared = (errorCodes(r) as string[]).includes(err.code) && API_ERRORS[err.code as ApiErrorCode] === err.statusCode;
  if (!declared)
    throw new AppError('error_not_in_contract', `${r.method} ${r.path} answered ${err.statusCode} ${err.code}, which it does not declare (Route.errors, API_ERRORS in shared/errors.ts)`, 500, undefined, { cause: err });
}

/** A small route table over one Lambda: API Gateway sends it the routes of its function and we dispatch. */
export class Router {
  private readonly routes: Compiled[];

  /**
   * `replies` (replies.ts): every reply goes through checkReply, every client error through checkError. Given by
   * `npm start` and the tests' stacks, never deployed: the check would cost a JSON round trip and a schema walk of
   * every reply (a data page is up to 1,000 vendor records), failing there would turn a write that happened (an
   * integration created, a run queued) into a 500 the client retries, and a deployed function does not bundle
   * the schemas (≈ 470 of them, and the flow and event schemas they name). The tests exercise every route, so a
   * drift fails there first.
   */
  constructor(
    routes: Route[],
    private readonly authenticate: (req: ApiRequest) => Promise<Principal>,
    private readonly replies?: typeof Replies,
  ) {
    this.routes = routes.map(compile);
  }

  async handle(received: HttpEvent): Promise<HttpResult> {
    const method = received.requestContext.http.method.toUpperCase();
    const sso = received.rawPath.startsWith(`${SSO_PREFIX}/api/`);
    const event = sso ? { ...received, rawPath: received.rawPath.slice(SSO_PREFIX.length) } : received;
    const path = event.rawPath;
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      try {
        return await this.dispatch(r, m, event, sso);
      } catch (err) {
        if (this.replies) checkError(r, err);
        throw err;
      }
    }
    if (pathMatched) throw new AppError('method_not_allowed', `${method} is not allowed on ${path}.`, 405);
    throw new NotFoundError('route', 'route_not_found');
  }

  private async dispatch(r: Compiled, m: RegExpExecArray, event: HttpEvent, sso: boolean): Promise<HttpResult> {
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1]);
      } catch {
        params[n] = m[i + 1];
      }
    });
    // Authenticate before reading the body: an unauthenticated caller learns nothing about our parsing.
    const headersOnly = readRequest({ ...event, body: undefined });
    if (r.auth) headersOnly.principal = await this.authorize(r, headersOnly, sso);
    if (Object.values(params).some((v) => v.length > MAX_PARAM_LENGTH)) throw new NotFoundError();
    const req = readRequest(event, r.maxBody, !r.rawBody);
    req.params = params;
    req.principal = headersOnly.principal;
    req.tenantId = req.principal?.tenantId;
    const reply = await r.handle(req);
    if (this.replies) checkReply(r, reply, this.replies);
    if (reply.stream) return { statusCode: reply.status, headers: reply.headers, stream: reply.stream };
    if (reply.raw !== undefined) return { statusCode: reply.status, headers: reply.headers, body: reply.raw };
    return jsonResult(reply.status, reply.body, reply.headers);
  }

  /** Who calls, and whether their role may call this route: here, so no route can forget it. */
  private async authorize(r: Route, req: ApiRequest, sso: boolean): Promise<Principal> {
    const principal = await this.authenticate(req);
    if (sso && principal.via !== 'sso') throw new UnauthorizedError('invalid_token', `Routes under ${SSO_PREFIX}/api take a sign-in token; send API keys to /api.`);
    if (!READ_METHODS.has(r.method) && principal.role !== 'admin')
      throw new ForbiddenError('read_only_role', `Your role (${principal.role}) can only read: ${r.method} ${r.path} needs the admin role.`);
    if (r.adminOnly && principal.role !== 'admin') throw new ForbiddenError('admin_role_required', `${r.method} ${r.path} is for the tenant's admins; your role is ${principal.role}.`);
    return principal;
  }
}
