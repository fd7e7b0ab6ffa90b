import type { IncomingMessage, ServerResponse } from 'node:http';
import { asArray } from '../../shared/xml/xml';
import { Faults, RollingLimit, type RunningServer, startServer } from './kit';
import { readEnvelope, sendFault, sendSoap, xmlEscape } from './soap-kit';

/**
 * A fake Five9 Configuration Web Services endpoint (`POST /wsadmin/v13/AdminWebService`, SOAP 1.1):
 * HTTP Basic on every call (401 otherwise), one call at a time per user (`SessionClosedFault` when a second
 * overlaps), `OperationsLimitExceededFault` past a per-minute quota, `getContactFields`, `getContactRecords`
 * (ANDed criteria, `%` wildcard, at most 1,000 records, `contactIdField`), and the report trio: `runReport`
 * (folder/report must exist: `ReportNotFoundFault`; times must carry the Pacific offset of that instant),
 * `isReportRunning` (true for a set number of checks), `getReportResultCsv` (a header row and RFC 4180 rows of
 * the calls whose TIMESTAMP falls in [start, end), at most 50,000). Faults are HTTP 500 with `ns2:<Name>` detail.
 * https://documentation.five9.com/bundle/api-config-web/page/config-web-services/methods/reports/runReport.htm
 */
export const FIVE9_PATH = '/wsadmin/v13/AdminWebService';
const NS = 'http://service.admin.ws.five9.com/';

export type Five9Contact = Record<string, string>;
/** A Call Log row; `at` (epoch ms) places it in report windows and is not a column. */
export interface Five9Call {
  at: number;
  row: Record<string, string>;
}

export interface Five9SandboxOptions {
  username: string;
  password: string;
  contacts?: Five9Contact[];
  calls?: Five9Call[];
  /** Reports that exist, as `folder/name`. */
  reports?: string[];
  /** `isReportRunning` answers true this many times per report before false. */
  runningChecks?: number;
  /** Records per `getContactRecords` (Five9: 1,000) and rows per report (Five9: 50,000). */
  contactCap?: number;
  reportCap?: number;
  /** Calls per minute before `OperationsLimitExceededFault`. */
  perMinute?: number;
  /** Answers are held this long, so overlapping calls overlap here too. */
  delayMs?: number;
}

export interface Five9Sandbox extends RunningServer {
  /** Every call: operation, content as parsed, HTTP status answered, the Authorization header. */
  calls: Array<{ operation: string; content: Record<string, unknown>; status: number; authorization?: string }>;
  /** The next `count` calls answer the named fault (e.g. `ServiceUnavailableFault`). */
  faultNext(name: string, count?: number): void;
  /** The next `count` calls answer a plain HTTP error page (a load balancer's 502/503). */
  failNext(count: number, status?: number): void;
  /** The next `count` calls answer 200 with a body that is not XML. */
  malformedNext(count: number): void;
  /** Calls answered `SessionClosedFault` because another was in flight. */
  readonly overlaps: number;
}

const CALL_LOG_COLUMNS = ['CALL ID', 'TIMESTAMP', 'CAMPAIGN', 'CALL TYPE', 'AGENT', 'ANI', 'DNIS', 'DISPOSITION', 'TALK TIME'];

/** Five9 prints report timestamps in Pacific time: `Wed, 01 May 2024 03:00:00`. */
function pacificStamp(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Los_Angeles', weekday: 'short', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(ms)
    .replace(/^(\w+) (\d+) (\w+) (\d+), /, '$1, $2 $3 $4 ');
}

/** `n` calls, one every `everyMs` from `start`. */
export function makeFive9Calls(n: number, start: number, everyMs = 3_600_000): Five9Call[] {
  return Array.from({ length: n }, (_, i) => {
    const at = start + i * everyMs;
    return {
      at,
      row: {
        'CALL ID': String(300_000_000_000 + i),
        TIMESTAMP: pacificStamp(at),
        CAMPAIGN: i % 2 ? 'Inbound Sales' : 'Outbound, "Spring" Promo',
        'CALL TYPE': i % 2 ? 'Inbound' : 'Outbound',
        AGENT: `agent${i % 3}@acme.example`,
        ANI: `925555${String(1000 + i).slice(-4)}`,
        DNIS: '8005550100',
        DISPOSITION: i % 4 ? 'Sale' : 'No Answer',
        'TALK TIME': `00:0${i % 10}:1${i % 6}`,
      },
    };
  });
}

/** `n` contacts with number1 from `prefix` on. */
export function makeFive9Contacts(n: number, prefix = '925555'): Five9Contact[] {
  return Array.from({ length: n }, (_, i) => ({
    contactId: String(1_000_000 + i),
    number1: `${prefix}${String(i).padStart(10 - prefix.length, '0')}`,
    first_name: `First${i}`,
    last_name: i % 5 ? `Last${i}` : '',
    email: `c${i}@example.com`,
  }));
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The Pacific offset Five9 expects in a request time: `-07:00` in summer, `-08:00` in winter. */
function pacificOffsetOk(value: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?)([+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return false;
  const ms = Date.parse(value);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', timeZoneName: 'shortOffset' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
  return name === `GMT${m[2].replace(':00', '').replace(/([+-])0/, '$1')}`;
}

export async function startFive9Sandbox(opts: Five9SandboxOptions): Promise<Five9Sandbox> {
  const expected = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
  const reports = new Set(opts.reports ?? ['Call Log Reports/Call Log']);
  const running = new Map<string, { start: number; end: number; checks: number }>();
  const limit = new RollingLimit(opts.perMinute ?? 1000, 60_000);
  const faults = new Faults<{ fault?: string; status?: number }>();
  const log: Five9Sandbox['calls'] = [];
  let nextId = 2_391_187;
  let inFlight = 0;
  let overlaps = 0;

  const fault = (res: ServerResponse, name: string, message: string, fields = '') =>
    sendFault(res, 'S:Server', message, `<ns2:${name} xmlns:ns2="${NS}"><message>${xmlEscape(message)}</message>${fields}</ns2:${name}>`);
  const answer = (res: ServerResponse, op: string, inner: string) => sendSoap(res, 200, `<ns2:${op}Response xmlns:ns2="${NS}">${inner}</ns2:${op}Response>`);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== FIVE9_PATH) return void res.writeHead(404).end();
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="Five9"' });
      return void res.end('<html><body>HTTP Status 401 - Unauthorized</body></html>');
    }
    if (!/^text\/xml/.test(req.headers['content-type'] ?? '') || req.headers.soapaction === undefined) return fault(res, 'IncorrectArgumentFault', 'Content-Type text/xml and SOAPAction are required');
    const env = await readEnvelope(req);
    if (!env) return fault(res, 'IncorrectArgumentFault', 'Malformed SOAP request');
    const entry = { operation: env.operation, content: env.content, status: 0, authorization: req.headers.authorization };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    inFlight++;
    try {
      if (inFlight > 1) {
        overlaps++;
        return fault(res, 'SessionClosedFault', 'Session was closed: concurrent requests with the same user');
      }
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (!limit.take()) return fault(res, 'OperationsLimitExceededFault', 'Operations limit exceeded', '<limit>per minute</limit><operationType>Query</operationType>');
      const injected = faults.take();
      if (injected?.fault) return fault(res, injected.fault, `${injected.fault} (injected)`);
      if (injected?.status) return void res.writeHead(injected.status, { 'content-type': 'text/html' }).end('<html><body>Service Temporarily Unavailable</body></html>');
      if (faults.takeMalformed()) return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<env:Envelope><env:Body><ns2:broken');
      return operation(res, env.operation, env.content);
    } finally {
      inFlight--;
    }
  };

  const operation = (res: ServerResponse, op: string, c: Record<string, unknown>) => {
    switch (op) {
      case 'getContactFields':
        return answer(res, op, ['number1', 'first_name', 'last_name', 'email'].map((n) => `<return><name>${n}</name><type>${n === 'email' ? 'EMAIL' : n === 'number1' ? 'PHONE' : 'STRING'}</type><system>true</system></return>`).join(''));
      case 'getContactRecords': {
        const crit = c.lookupCriteria as Record<string, unknown> | undefined;
        const criteria = asArray(crit?.criteria) as Array<{ field: string; value: string }>;
        if (!criteria.length) return fault(res, 'IncorrectArgumentFault', 'lookupCriteria.criteria is required');
        const matches = (opts.contacts ?? []).filter((r) =>
          criteria.every(({ field, value }) => new RegExp(`^${String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`).test(r[field] ?? '')),
        );
        const idField = typeof crit?.contactIdField === 'string' ? crit.contactIdField : undefined;
        const fields = ['number1', 'first_name', 'last_name', 'email', ...(idField ? [idField] : [])];
        const rows = matches.slice(0, opts.contactCap ?? 1000);
        if (!rows.length) return answer(res, op, '');
        const values = (r: Five9Contact) => fields.map((f) => ((f === idField ? r.contactId : r[f]) ? `<data>${xmlEscape(f === idField ? r.contactId : r[f])}</data>` : '<data/>')).join('');
        return answer(res, op, `<return>${fields.map((f) => `<fields>${f}</fields>`).join('')}${rows.map((r) => `<records><values>${values(r)}</values></records>`).join('')}</return>`);
      }
      case 'runReport': {
        if (!reports.has(`${c.folderName}/${c.reportName}`))
          return fault(res, 'ReportNotFoundFault', `Report "${c.reportName}" not found in folder "${c.folderName}"`, `<folder>${xmlEscape(String(c.folderName))}</folder><reportName>${xmlEscape(String(c.reportName))}</reportName>`);
        const time = (c.criteria as { time?: { start?: string; end?: string } } | undefined)?.time;
        if (!time?.start || !time.end || !pacificOffsetOk(time.start) || !pacificOffsetOk(time.end))
          return fault(res, 'IncorrectArgumentFault', 'criteria.time.start and end must be xs:dateTime in Pacific time');
        const id = String(nextId++);
        running.set(id, { start: Date.parse(time.start), end: Date.parse(time.end), checks: opts.runningChecks ?? 0 });
        return answer(res, op, `<return>${id}</return>`);
      }
      case 'isReportRunning': {
        const r = running.get(String(c.identifier));
        if (!r) return fault(res, 'ObjectNotFoundFault', `Report ${c.identifier} not found`);
        if (!(Number(c.timeout) >= 0)) return fault(res, 'IncorrectArgumentFault', 'timeout is required');
        return answer(res, op, `<return>${r.checks-- > 0}</return>`);
      }
      case 'getReportResultCsv': {
        const r = running.get(String(c.identifier));
        if (!r) return fault(res, 'ObjectNotFoundFault', `Report ${c.identifier} not found`);
        const rows = (opts.calls ?? []).filter((x) => x.at >= r.start && x.at < r.end).slice(0, opts.reportCap ?? 50_000);
        const csv = [CALL_LOG_COLUMNS, ...rows.map((x) => CALL_LOG_COLUMNS.map((k) => x.row[k] ?? ''))].map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
        return answer(res, op, `<return>${xmlEscape(csv)}</return>`);
      }
      default:
        return sendFault(res, 'S:Client', `Cannot find dispatch method for {${NS}}${op}`);
    }
  };

  const server = await startServer(handle, (res, err) => sendFault(res, 'S:Server', err.message));
  return {
    ...server,
    calls: log,
    faultNext: (name, count = 1) => faults.set({ fault: name }, count),
    failNext: (count, status = 503) => faults.set({ status }, count),
    malformedNext: (count) => faults.setMalformed(count),
    get overlaps() {
      return overlaps;
    },
  };
}
