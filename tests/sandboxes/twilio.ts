import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, logEntry, type LoggedRequest, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake Twilio REST API 2010-04-01 for one account (shared/api-facts/twilio-rest.md):
 * - `GET /2010-04-01/Accounts/{Sid}.json`, `…/Messages.json`, `…/Calls.json` (the `.json` suffix required);
 * - HTTP Basic with the Account SID and auth token; 401 `{code: 20003, message: "Authenticate", more_info, status}`;
 * - `PageSize` (1–1000, default 50), `Page`/`PageToken` issued by us inside `next_page_uri` (a path keeping the
 *   filters; null on the last page), the envelope `{messages|calls, uri, first_page_uri, next_page_uri,
 *   previous_page_uri, page, page_size, start, end}`, newest first;
 * - `DateSent>=`/`StartTime>=` as the query key `DateSent>` / `StartTime>` with a `YYYY-MM-DD` (GMT) value,
 *   inclusive from that midnight; a record without the date is not matched;
 * - dates as RFC 2822 strings (`Wed, 01 May 2024 10:00:02 +0000`);
 * - 429 with code 20429 and no Retry-After (Twilio documents none), 5xx and malformed-page switches;
 * - `POST …/Messages.json` (form-encoded `To`, `From` or `MessagingServiceSid`, `Body`) → 201 with the message
 *   resource (status `queued`); 400 with Twilio's codes: 21211 invalid `To`, 21604 `To` required, 21603 `From`
 *   required, 21602 body required, 21610 an unsubscribed recipient (one that replied STOP).
 *   https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
export type TwilioRecord = Record<string, unknown> & { sid: string };
type Resource = 'Messages' | 'Calls';

const KEYS: Record<Resource, { key: 'messages' | 'calls'; date: string; filter: string }> = {
  Messages: { key: 'messages', date: 'date_sent', filter: 'DateSent' },
  Calls: { key: 'calls', date: 'start_time', filter: 'StartTime' },
};

export interface TwilioSandboxOptions {
  accountSid: string;
  authToken: string;
  messages?: TwilioRecord[];
  calls?: TwilioRecord[];
}

export interface TwilioSandbox extends RunningServer, FaultControls {
  requests: LoggedRequest[];
  /** Messages created through `POST …/Messages.json`, in order. */
  sent: TwilioRecord[];
  /** The number replied STOP: sending to it is refused with 21610. */
  unsubscribe(number: string): void;
  /** Inserts or replaces a record by SID; `date_updated` becomes `at` (default now). */
  setRecord(resource: Resource, record: Partial<TwilioRecord> & { sid: string }, at?: Date): TwilioRecord;
}

/** Twilio's date format: RFC 2822 with a numeric zone. */
export const rfc2822 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

const hex32 = (n: number) => n.toString(16).padStart(32, '0');

/** `n` delivered outbound messages, one a minute from `start`, SIDs SM…; `date_updated` two seconds after sending. */
export function makeMessages(accountSid: string, n: number, start = '2024-05-01T10:00:00Z'): TwilioRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const sent = Date.parse(start) + i * 60_000;
    const sid = `SM${hex32(0x5a000 + i)}`;
    return {
      sid, account_sid: accountSid, messaging_service_sid: null, from: '+15005550006', to: `+1415555${String(1000 + i)}`, body: `Reminder ${i + 1}`,
      status: 'delivered', direction: 'outbound-api', num_segments: '1', num_media: '0', price: '-0.00790', price_unit: 'USD', error_code: null, error_message: null,
      date_created: rfc2822(sent - 1000), date_sent: rfc2822(sent), date_updated: rfc2822(sent + 2000), api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`, subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    };
  });
}

/** `n` completed inbound calls, one every ten minutes from `start`, SIDs CA…. */
export function makeCalls(accountSid: string, n: number, start = '2024-05-01T10:00:00Z'): TwilioRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const began = Date.parse(start) + i * 600_000;
    const sid = `CA${hex32(0xca000 + i)}`;
    return {
      sid, parent_call_sid: null, account_sid: accountSid, to: '+14155550100', to_formatted: '(415) 555-0100', from: `+1512555${String(2000 + i)}`, from_formatted: null,
      phone_number_sid: `PN${hex32(1)}`, status: 'completed', start_time: rfc2822(began), end_time: rfc2822(began + 95_000), duration: '95', price: '-0.0085', price_unit: 'USD',
      direction: 'inbound', answered_by: null, forwarded_from: null, caller_name: null, queue_time: '0', trunk_sid: null, group_sid: null,
      date_created: rfc2822(began - 500), date_updated: rfc2822(began + 96_000), api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`, subresource_uris: { recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Recordings.json` },
    };
  });
}

export async function startTwilioSandbox(opts: TwilioSandboxOptions): Promise<TwilioSandbox> {
  const data: Record<Resource, TwilioRecord[]> = { Messages: [...(opts.messages ?? [])], Calls: [...(opts.calls ?? [])] };
  const faults = new Faults();
  const requests: LoggedRequest[] = [];
  const send = jsonSender('application/json; charset=utf-8');
  const basic = 'Basic ' + Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64');
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const list = (res: ServerResponse, resource: Resource, q: URLSearchParams, path: string) => {
    const { key, date, filter } = KEYS[resource];
    const size = Number(q.get('PageSize') ?? 50);
    if (!Number.isInteger(size) || size < 1 || size > 1000) return error(res, 400, 20001, 'PageSize must be between 1 and 1000');
    const from = q.get(`${filter}>`);
    if (from !== null && !/^\d{4}-\d{2}-\d{2}$/.test(from)) return error(res, 400, 20001, `Invalid ${filter}> value`);
    const page = Number(q.get('Page') ?? 0);
    const tokenSid = q.get('PageToken')?.replace(/^PA/, '');
    let rows = [...data[resource]].sort((a, b) => Date.parse(String(b[date] ?? b.date_created)) - Date.parse(String(a[date] ?? a.date_created)) || b.sid.localeCompare(a.sid));
    if (from !== null) rows = rows.filter((r) => r[date] && Date.parse(String(r[date])) >= Date.parse(`${from}T00:00:00Z`));
    let start = 0;
    if (tokenSid !== undefined) {
      const i = rows.findIndex((r) => r.sid === tokenSid);
      if (i < 0) return error(res, 400, 21481, 'Invalid PageToken');
      start = i + 1;
    }
    const slice = rows.slice(start, start + size);
    const filters = new URLSearchParams({ PageSize: String(size), ...(from !== null ? { [`${filter}>`]: from } : {}) });
    const uri = (p: number, token?: string) => `${path}?${filters}&Page=${p}${token ? `&PageToken=PA${token}` : ''}`;
    const more = start + size < rows.length;
    send(res, 200, {
      [key]: slice,
      uri: uri(page, tokenSid),
      first_page_uri: uri(0),
      next_page_uri: more ? uri(page + 1, slice[slice.length - 1].sid) : null,
      previous_page_uri: page > 0 ? uri(page - 1) : null,
      page,
      page_size: size,
      start,
      end: start + Math.max(slice.length - 1, 0),
    });
  };

  const sent: TwilioRecord[] = [];
  const unsubscribed = new Set<string>();
  const create = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const form = new URLSearchParams(await readBody(req));
    const to = form.get('To');
    if (!to) return error(res, 400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!form.get('From') && !form.get('MessagingServiceSid')) return error(res, 400, 21603, "A 'From' phone number is required.");
    if (!form.get('Body') && !form.get('MediaUrl')) return error(res, 400, 21602, 'Message body is required.');
    if (unsubscribed.has(to)) return error(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    const now = Date.now();
    const sid = `SM${hex32(0x5e000 + sent.length)}`;
    const msg: TwilioRecord = {
      sid, account_sid: opts.accountSid, messaging_service_sid: form.get('MessagingServiceSid'), from: form.get('From'), to, body: form.get('Body'),
      status: 'queued', direction: 'outbound-api', num_segments: '1', num_media: '0', price: null, price_unit: 'USD', error_code: null, error_message: null,
      date_created: rfc2822(now), date_sent: null, date_updated: rfc2822(now), api_version: '2010-04-01', uri: `${path.replace(/\.json$/, '')}/${sid}.json`,
    };
    sent.push(msg);
    data.Messages.push(msg);
    send(res, 201, msg);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})(?:\/(Messages|Calls))?\.json$/.exec(url.pathname);
    if (!m) return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
    if (req.headers.authorization !== basic || m[1] !== opts.accountSid) return error(res, 401, 20003, 'Authenticate');
    const status = faults.take();
    if (status === 429) return error(res, 429, 20429, 'Too Many Requests');
    if (status !== undefined) return error(res, status, 20500, 'An internal server error has occurred');
    if (faults.takeMalformed()) return send(res, 200, '{"messages": [{"sid": "SM');
    if (!m[2]) return send(res, 200, { sid: opts.accountSid, friendly_name: 'Sandbox account', status: 'active', type: 'Full' });
    if (req.method === 'POST' && m[2] === 'Messages') return create(req, res, url.pathname);
    return list(res, m[2] as Resource, url.searchParams, url.pathname);
  };

  const server = await startServer(handle, (res, err) => error(res, 500, 20500, err.message), { onFinish: (req, res) => requests.push(logEntry(req, res)) });
  return {
    ...server,
    requests,
    sent,
    unsubscribe: (number) => void unsubscribed.add(number),
    ...faults.controls(),
    setRecord(resource, record, at = new Date()) {
      const rows = data[resource];
      const i = rows.findIndex((r) => r.sid === record.sid);
      const merged = { ...(i >= 0 ? rows[i] : {}), ...record, date_updated: rfc2822(at.getTime()) } as TwilioRecord;
      if (i >= 0) rows[i] = merged;
      else rows.push(merged);
      return merged;
    },
  };
}
