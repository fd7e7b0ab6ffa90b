import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, type RunningServer, startServer, type TokenControls, urlOf } from './kit';

/**
 * A fake CDK Global on Fortellis (shared/api-facts/cdk-fortellis.md):
 * - `POST /oauth2/aus1p1ixy7YL8cMq02p7/v1/token`: client credentials, `Authorization: Basic key:secret`,
 *   `grant_type=client_credentials&scope=anonymous` → `{token_type, expires_in: 3600, access_token, scope}`;
 *   a wrong key answers 401 `{error: "invalid_client", error_description}`;
 * - `GET /cdkdrive/crm/v1/customers` and `GET /service/v3/appointments`: Bearer token, `Subscription-Id`
 *   (must be the active one) and `Request-Id` (echoed back); `page` (from 1) / `pageSize`; the collection
 *   `{items, totalItems, totalPages, links: {first, next?, prev?, last}}`; past the end an empty `items`;
 * - gateway errors as `{code, message}`: 401 INVALID-TOKEN / TOKEN-EXPIRED, 403 MISSING-SUBSCRIPTION-ID /
 *   API-SUBSCRIPTION-INACTIVE, 429 QUOTA-EXCEEDED (Fortellis publishes neither the statuses nor a
 *   Retry-After: these are our reading of the error-code page); 5xx and malformed-page switches.
 */
export type CdkRecord = Record<string, unknown>;

export interface CdkSandboxOptions {
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  customers?: CdkRecord[];
  appointments?: CdkRecord[];
  /** The largest pageSize honoured (smaller pages are served beyond it). */
  maxPageSize?: number;
}

export interface CdkSandbox extends RunningServer, FaultControls, TokenControls {
  requests: Array<{ path: string; query: URLSearchParams; status: number; subscriptionId?: string; requestId?: string }>;
  setRecord(collection: 'customers' | 'appointments', record: CdkRecord): void;
}

export const TOKEN_PATH = '/oauth2/aus1p1ixy7YL8cMq02p7/v1/token';

export function makeCdkCustomers(n: number): CdkRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `CUST${String(i + 1).padStart(13, '0')}`,
    name: { first: ['John', 'Maria', 'Wei', 'Aisha'][i % 4], last: `Doe${i + 1}` },
    contactMethods: { primaryPhone: `1847555${String(1000 + i)}`, email1: `customer${i + 1}@example.com`, emailDesc1: 'HOME', preferredMethod: 'PRIMARYEMAIL', blockPhoneFlag: false, blockEmailFlag: false, blockMailFlag: true },
    postalAddress: { street: `${100 + i} Example Rd`, city: 'This City', state: 'IL', postalCode: '60601', country: 'US' },
    links: { self: { href: `https://api.fortellis.io/cdkdrive/crm/v1/customers/CUST${String(i + 1).padStart(13, '0')}` } },
  }));
}

export function makeCdkAppointments(n: number, start = '2024-05-01T09:00:00-05:00'): CdkRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    appointmentId: `APPT-${1000 + i}`,
    dateTime: new Date(Date.parse(start) + i * 3_600_000).toISOString(),
    requestedServices: [{ description: 'Oil change', concern: 'Due for service' }],
    vehicleSpec: { makeCode: 'FORD', modelCode: 'F150', modelYear: 2021 },
    vehicleMileage: { value: 30_000 + i * 100, units: 'MILES' },
    customerHref: `https://api.fortellis.io/cdkdrive/crm/v1/customers/CUST${String(i + 1).padStart(13, '0')}`,
    contact: { label: 'mobile', uri: `tel:+1847555${String(1000 + i)}` },
    links: { self: { href: `https://api.fortellis.io/service/v3/appointments/APPT-${1000 + i}` } },
  }));
}

export async function startCdkSandbox(opts: CdkSandboxOptions): Promise<CdkSandbox> {
  const data = { customers: [...(opts.customers ?? [])], appointments: [...(opts.appointments ?? [])] };
  const faults = new Faults();
  const requests: CdkSandbox['requests'] = [];
  const send = jsonSender('application/json');
  let seq = 0;
  let token = '';
  let refreshCount = 0;
  let refreshFails = false;
  const basic = 'Basic ' + Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
  const gateway = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { code, message });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    if (req.method === 'POST' && url.pathname === TOKEN_PATH) {
      const form = new URLSearchParams((await readBody(req)) || url.search);
      if (refreshFails || req.headers.authorization !== basic) return send(res, 401, { error: 'invalid_client', error_description: 'Invalid value for client_id or client_secret' });
      if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' });
      refreshCount++;
      token = `eyJraWQiOiJzYW5kYm94In0.${++seq}.${Math.random().toString(36).slice(2)}`;
      return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: token, scope: 'anonymous' });
    }
    const collection = url.pathname === '/cdkdrive/crm/v1/customers' ? 'customers' : url.pathname === '/service/v3/appointments' ? 'appointments' : undefined;
    if (!collection) return gateway(res, 404, 'ROUTING-ERROR', `No route for ${url.pathname}`);
    const requestId = req.headers['request-id'] as string | undefined;
    if (requestId) res.setHeader('Request-Id', requestId);
    if (!req.headers.authorization?.startsWith('Bearer ')) return gateway(res, 401, 'MISSING-AUTHORIZATION', 'Authorization header missing');
    if (req.headers.authorization !== `Bearer ${token}`) return gateway(res, 401, token ? 'TOKEN-EXPIRED' : 'INVALID-TOKEN', 'The access token is not valid');
    const sub = req.headers['subscription-id'];
    if (!sub) return gateway(res, 403, 'MISSING-SUBSCRIPTION-ID', 'Subscription-Id header missing');
    if (sub !== opts.subscriptionId) return gateway(res, 403, 'API-SUBSCRIPTION-INACTIVE', 'The subscription is not active for this API');
    const status = faults.take();
    if (status === 429) return gateway(res, 429, 'QUOTA-EXCEEDED', 'The API quota for this subscription is exhausted');
    if (status !== undefined) return gateway(res, status, 'TARGET-SYSTEM-UNREACHABLE', 'The DMS did not answer');
    if (faults.takeMalformed()) return send(res, 200, { items: 'not-a-list', totalPages: 'x' });
    const page = Number(url.searchParams.get('page') ?? 1);
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? 50), opts.maxPageSize ?? 100);
    const rows = data[collection];
    const totalPages = Math.max(1, Math.ceil(rows.length / size));
    const link = (p: number) => ({ href: `${url.pathname}?page=${p}&pageSize=${size}`, method: 'GET', title: `page ${p}` });
    send(res, 200, {
      items: rows.slice((page - 1) * size, page * size),
      totalItems: rows.length,
      totalPages,
      links: { first: link(1), last: link(totalPages), ...(page < totalPages ? { next: link(page + 1) } : {}), ...(page > 1 ? { prev: link(page - 1) } : {}) },
    });
  };

  const server = await startServer(handle, (res, err) => gateway(res, 500, 'PROCESSING-ERROR', err.message), {
    onFinish: (req, res) => {
      const u = urlOf(req);
      if (u.pathname !== TOKEN_PATH) requests.push({ path: u.pathname, query: u.searchParams, status: res.statusCode, subscriptionId: req.headers['subscription-id'] as string | undefined, requestId: req.headers['request-id'] as string | undefined });
    },
  });
  return {
    ...server,
    requests,
    ...faults.controls(),
    get accessToken() {
      return token;
    },
    get refreshCount() {
      return refreshCount;
    },
    expireToken() {
      token = `${token}.expired`;
    },
    failRefresh(on = true) {
      refreshFails = on;
    },
    setRecord(collection, record) {
      const key = collection === 'customers' ? 'customerId' : 'appointmentId';
      const rows = data[collection];
      const i = rows.findIndex((r) => r[key] === record[key]);
      if (i >= 0) rows[i] = record;
      else rows.push(record);
    },
  };
}
