import type { z } from 'zod';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import type { HttpEvent, HttpResult } from '../lambda-types';
import type { ApiReply, ApiRequest, Principal } from '../lambda-types';
import { jsonResult, readRequest } from './middleware';

export interface Route {
  method: string;
  /** `/api/integrations/{id}/runs/{runId}` style. */
  path: string;
  /** Needs a tenant (API key or sign-in token); webhooks authenticate by signature instead. Non-GET ones need the admin role. */
  auth: boolean;
  /** Webhooks keep the raw bytes and parse themselves. */
  rawBody?: boolean;
  /** One line for the OpenAPI document. */
  summary?: string;
  /** The schema the handler parses its JSON body with, so the published contract is the enforced one. */
  body?: z.ZodType;
  /** The schema the handler parses its query string with. */
  query?: z.ZodType;
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

/** A small route table over one Lambda: API Gateway sends `ANY /api/{proxy+}` here and we dispatch. */
export class Router {
  private readonly routes: Compiled[];

  constructor(
    routes: Route[],
    private readonly authenticate: (req: ApiRequest) => Promise<Principal>,
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
      const req = readRequest(event, undefined, !r.rawBody);
      req.params = params;
      req.principal = headersOnly.principal;
      req.tenantId = req.principal?.tenantId;
      const reply = await r.handle(req);
      if (reply.raw !== undefined) return { statusCode: reply.status, headers: reply.headers, body: reply.raw };
      return jsonResult(reply.status, reply.body, reply.headers);
    }
    if (pathMatched) throw new AppError('method_not_allowed', `${method} is not allowed on ${path}.`, 405);
    throw new NotFoundError('route', 'route_not_found');
  }

  /** Who calls, and whether their role may call this route: here, so no route can forget it. */
  private async authorize(r: Route, req: ApiRequest, sso: boolean): Promise<Principal> {
    const principal = await this.authenticate(req);
    if (sso && principal.via !== 'sso') throw new UnauthorizedError('invalid_token', `Routes under ${SSO_PREFIX}/api take a sign-in token; send API keys to /api.`);
    if (!READ_METHODS.has(r.method) && principal.role !== 'admin')
      throw new ForbiddenError('read_only_role', `Your role (${principal.role}) can only read: ${r.method} ${r.path} needs the admin role.`);
    return principal;
  }
}
