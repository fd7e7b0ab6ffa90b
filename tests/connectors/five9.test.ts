import * as z from 'zod';
import { five9 } from '../../shared/connectors/five9';
import { pacificDateTime } from '../../shared/connectors/five9/pacific';
import { five9Call } from '../../shared/connectors/five9/soap';
import { callsStream } from '../../shared/connectors/five9/calls';
import { parseCsv } from '../../shared/connectors/five9/csv';
import { contactsStream } from '../../shared/connectors/five9/contacts';
import type { Connector } from '../../shared/connectors/types';
import { Five9ConfigSchema } from '../../shared/connectors/five9/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { basicAuth } from '../../shared/http/auth';
import { HttpClient } from '../../shared/http/client';
import { readStream, testConnector } from '../helpers/read';
import { FIVE9_PATH, type Five9Contact, type Five9Sandbox, type Five9SandboxOptions, makeFive9Calls, startFive9Sandbox } from '../sandboxes/five9';

const USER = 'api.admin@acme.example';
const PASSWORD = 'f9-Pa55word-7c1e';
const HOUR = 3_600_000;

/** 1,200 contacts under number1 prefix 3 (120 under each of 30…39, so "3%" hits the 1,000 cap), 5 under 7, one without number1. */
const CONTACTS: Five9Contact[] = [
  ...Array.from({ length: 1200 }, (_, i) => ({ contactId: String(500_000 + i), number1: `3${i % 10}${String(i).padStart(8, '0')}`, first_name: `F${i}`, last_name: '', email: `c${i}@example.com` })),
  ...Array.from({ length: 5 }, (_, i) => ({ contactId: String(700_000 + i), number1: `7025550${100 + i}`, first_name: 'Vegas', last_name: `L${i}`, email: '' })),
  { contactId: '999999', number1: '', first_name: 'No', last_name: 'Phone', email: 'nophone@example.com' },
];

describe('Connector: five9', () => {
  let sb: Five9Sandbox;
  /** The calls stream's clock: the Monday after US daylight saving began (Sunday 2026-03-08), 10:00 in Pacific time. */
  const NOW = Date.parse('2026-03-09T17:00:00Z');
  const five9At = { ...five9, streams: () => [contactsStream, callsStream(() => NOW)] } as unknown as Connector;
  const nowMin = () => NOW;
  const start = async (o: Partial<Five9SandboxOptions> = {}) => {
    sb = await startFive9Sandbox({ username: USER, password: PASSWORD, contacts: CONTACTS, ...o });
  };
  const configFor = (extra: Record<string, unknown> = {}) =>
    Five9ConfigSchema.parse({ baseUrl: `${sb.url}${FIVE9_PATH}`, username: USER, password: PASSWORD, historyDays: 3, ...extra }) as Record<string, unknown>;
  const calls = () => makeFive9Calls(100, nowMin() - 30 * 60_000 - 99 * HOUR, HOUR);
  const ops = () => sb.calls.map((c) => c.operation);
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the contract: contacts and calls, a write-only password, the default report and endpoint', () => {
      expect(five9.defaultDataTypes).toEqual(['contacts', 'calls']);
      expect(secretFields(five9.configSchema)).toEqual(['password']);
      const schema = z.toJSONSchema(five9.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required: string[] };
      expect(schema.properties.password).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.baseUrl['x-sends-secrets']).toBeDefined();
      expect(schema.properties.reportFolder.default).toBe('Call Log Reports');
      expect(schema.properties.reportName.default).toBe('Call Log');
      expect(schema.properties.baseUrl.default).toBe('https://api.five9.com/wsadmin/v13/AdminWebService');
      expect(schema.required.sort()).toEqual(['password', 'username']);
    });
  });

  describe('Method: test', () => {
    const test = (config: Record<string, unknown>) => testConnector(five9, config);

    it('calls getContactFields with Basic auth in a SOAP envelope', async () => {
      await start();
      expect(await test(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.calls.map((c) => [c.operation, c.authorization])).toEqual([['getContactFields', 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]]);
    });

    it('answers "Authentication Failed" on a refused password, without the password', async () => {
      await start();
      const r = await test(configFor({ password: 'wrong-password-1' }));
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Authentication Failed: five9\/test POST \/wsadmin\/v13\/AdminWebService answered 401/);
      expect(r.message).not.toContain('wrong-password-1');
    });
  });

  describe('Stream: contacts', () => {
    it('reads the whole table by number1 prefix, splitting a prefix that hits the 1,000 cap, keyed by the contact id', async () => {
      await start();
      const r = await readStream(five9At, configFor(), 'contacts');
      const values = sb.calls.map((c) => (c.content.lookupCriteria as { criteria: { value: string } }).criteria.value);
      expect(values).toEqual(['0%', '1%', '2%', '3%', ...'0123456789'.split('').map((d) => `3${d}%`), '4%', '5%', '6%', '7%', '8%', '9%']);
      expect(sb.calls.every((c) => (c.content.lookupCriteria as { contactIdField: string }).contactIdField === 'contactId')).toBe(true);
      expect(new Set(r.records.map((x) => x.id))).toEqual(new Set(CONTACTS.filter((c) => c.number1).map((c) => c.contactId)));
      expect(r.records.find((x) => x.id === '700000')!.data).toEqual({ number1: '7025550100', first_name: 'Vegas', last_name: 'L0', email: '', contactId: '700000' });
      expect(r.cursor).toBeNull();
    });

    it('resumes an interrupted read at the partitions it had not read yet', async () => {
      await start();
      const first = await readStream(five9At, configFor(), 'contacts', { maxPages: 4 });
      expect(first.cursor).toEqual({ pending: ['30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '4', '5', '6', '7', '8', '9'] });
      sb.calls.length = 0;
      const rest = await readStream(five9At, configFor(), 'contacts', { cursor: first.cursor, resuming: true });
      expect(sb.calls[0].content.lookupCriteria).toMatchObject({ criteria: { value: '30%' } });
      expect(new Set([...first.records, ...rest.records].map((x) => x.id)).size).toBe(1205);
    });

    it('fails a page that is not XML with MalformedPageError, without retrying it', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(five9At, configFor(), 'contacts')).rejects.toBeInstanceOf(MalformedPageError);
      expect(sb.calls).toHaveLength(1);
    });
  });

  describe('Stream: calls', () => {

    it('runs one report per window in Pacific time, polls isReportRunning until false, and reads the CSV', async () => {
      const data = calls();
      await start({ calls: data, runningChecks: 2 });
      const r = await readStream(five9At, configFor(), 'calls');
      const runs = sb.calls.filter((c) => c.operation === 'runReport');
      expect(runs).toHaveLength(3);
      expect(runs[0].content).toMatchObject({ folderName: 'Call Log Reports', reportName: 'Call Log' });
      const [s, e] = ['start', 'end'].map((k) => (runs[0].content.criteria as { time: Record<string, string> }).time[k]);
      expect(Date.parse(e) - Date.parse(s)).toBe(24 * HOUR);
      // Windows are sent in Pacific time on either side of the change to daylight saving time.
      expect(s).toBe('2026-03-06T09:00:00.000-08:00');
      expect((runs[2].content.criteria as { time: Record<string, string> }).time.end).toBe('2026-03-09T10:00:00.000-07:00');
      expect(ops().slice(0, 5)).toEqual(['runReport', 'isReportRunning', 'isReportRunning', 'isReportRunning', 'getReportResultCsv']);
      expect(sb.calls.filter((c) => c.operation === 'isReportRunning').every((c) => c.content.timeout === '10')).toBe(true);
      // 3 days back from now: the calls of the last 72 hours, oldest window first.
      const inRange = data.filter((c) => c.at >= Date.parse(s));
      expect(r.records.map((x) => x.id)).toEqual(inRange.map((c) => c.row['CALL ID']));
      expect(r.records[0].data).toEqual(inRange[0].row);
      expect(r.records.some((x) => x.data.CAMPAIGN === 'Outbound, "Spring" Promo')).toBe(true);
      expect(r.cursor).toEqual({ hwm: new Date(Date.parse(s) + 72 * HOUR).toISOString(), windowMs: 24 * HOUR });
    });

    it('runs incrementally from the last window end minus the overlap, catching a call logged late', async () => {
      const data = calls();
      await start({ calls: data });
      const full = await readStream(five9At, configFor({ overlapMinutes: 60 }), 'calls');
      const hwm = Date.parse((full.cursor as { hwm: string }).hwm);
      const late = makeFive9Calls(1, hwm - 45 * 60_000)[0];
      late.row['CALL ID'] = '399999999999';
      data.push(late);
      sb.calls.length = 0;
      const inc = await readStream(five9At, configFor({ overlapMinutes: 60 }), 'calls', { mode: 'incremental', cursor: full.cursor });
      expect(ops()).toEqual(['runReport', 'isReportRunning', 'getReportResultCsv']);
      expect((sb.calls[0].content.criteria as { time: { start: string } }).time.start).toBe(pacificDateTime(hwm - HOUR));
      expect(inc.records.map((x) => x.id).sort()).toEqual([data[99].row['CALL ID'], '399999999999']);
    });

    it('halves a window whose report comes back at the row cap and runs it again, in pages of 1,000', async () => {
      // 2,400 calls over the last 20 hours; the domain returns at most 2,000 rows a report.
      const dense = makeFive9Calls(2400, nowMin() - 20 * HOUR, 30_000);
      await start({ calls: dense, reportCap: 2000 });
      const r = await readStream(five9At, configFor({ historyDays: 1, maxReportRows: 2000 }), 'calls');
      const windows = sb.calls.filter((c) => c.operation === 'runReport').map((c) => (c.content.criteria as { time: Record<string, string> }).time);
      expect(windows.map((w) => (Date.parse(w.end) - Date.parse(w.start)) / HOUR)).toEqual([24, 12, 12]);
      expect(r.records.map((x) => x.id)).toEqual(dense.map((c) => c.row['CALL ID']));
      expect(r.pages.map((p) => p.records.length)).toEqual([960, 1000, 440]);
    });

    it('resumes after a crash at the window it was in, not from the start', async () => {
      await start({ calls: calls() });
      const first = await readStream(five9At, configFor(), 'calls', { maxPages: 1 });
      sb.calls.length = 0;
      const rest = await readStream(five9At, configFor(), 'calls', { cursor: first.cursor, resuming: true });
      expect(sb.calls.filter((c) => c.operation === 'runReport')).toHaveLength(2);
      expect((sb.calls[0].content.criteria as { time: { start: string } }).time.start).toBe(pacificDateTime(Date.parse((first.cursor as { hwm: string }).hwm)));
      expect(first.records.length + rest.records.length).toBe(72);
    });

    it('gives up on a report still running after reportTimeoutMinutes, retryably', async () => {
      await start({ calls: calls(), runningChecks: 1000 });
      const err = await readStream(five9At, configFor({ reportTimeoutMinutes: 1 }), 'calls').catch((e) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ code: 'report_timeout', retryable: true });
      expect(ops()).toEqual(['runReport', ...Array(6).fill('isReportRunning')]);
    });

    it('fails at once on ReportNotFoundFault, naming the fault', async () => {
      await start({ calls: calls() });
      const err = await readStream(five9At, configFor({ reportName: 'No Such Report' }), 'calls').catch((e) => e);
      expect(err).toMatchObject({ code: 'report_not_found', retryable: false, status: 500 });
      expect(err.message).toMatch(/five9\/calls runReport answered fault ReportNotFoundFault \(Report "No Such Report" not found/);
      expect(sb.calls).toHaveLength(1);
    });
  });

  describe('Errors and limits', () => {
    it('fails a stream on a refused password with a 401, not retried', async () => {
      await start();
      const err = await readStream(five9At, configFor({ password: 'nope-nope' }), 'calls').catch((e) => e);
      expect(err).toMatchObject({ code: 'auth_failed', status: 401, retryable: false });
    });

    it('retries a 503 page and a ServiceUnavailableFault, then carries on', async () => {
      await start({ calls: calls() });
      sb.failNext(1, 503);
      const a = await readStream(five9At, configFor({ historyDays: 1 }), 'calls');
      sb.faultNext('ServiceUnavailableFault', 2);
      const b = await readStream(five9At, configFor({ historyDays: 1 }), 'calls');
      expect(a.stats.retries).toBe(1);
      expect(b.stats.retries).toBe(2);
      expect(b.records).toEqual(a.records);
    });

    it('waits for the next minute on OperationsLimitExceededFault and stays retryable with that time when it persists', async () => {
      await start({ perMinute: 1 });
      const waits: number[] = [];
      const http = new HttpClient({ connector: 'five9', integrationId: 'quota', baseUrl: `${sb.url}${FIVE9_PATH}`, auth: basicAuth(USER, PASSWORD), retry: { maxRetries: 2 }, sleep: async (ms) => void waits.push(ms) });
      await five9Call(http, USER, 'getContactFields', {});
      const before = Date.now();
      const err = await five9Call(http, USER, 'getContactFields', {}).catch((e) => e);
      const nextMinute = Math.floor(before / 60_000) * 60_000 + 60_000;
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(err.retryAt).toBeGreaterThanOrEqual(nextMinute);
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBeGreaterThanOrEqual(nextMinute - Date.now() - 1000);
    });

    it('sends one request at a time per user: overlapping calls wait rather than collide (SessionClosedFault)', async () => {
      await start({ delayMs: 30 });
      const http = new HttpClient({ connector: 'five9', integrationId: 'serial', baseUrl: `${sb.url}${FIVE9_PATH}`, auth: basicAuth(USER, PASSWORD), retry: { maxRetries: 0 } });
      await Promise.all([1, 2, 3].map(() => five9Call(http, USER, 'getContactFields', {})));
      expect(sb.overlaps).toBe(0);
      expect(sb.calls).toHaveLength(3);
    });
  });

  describe('Sandbox: vendor rules', () => {
    it('answers SessionClosedFault to a second request in flight for the same user', async () => {
      await start({ delayMs: 30 });
      const post = () =>
        fetch(`${sb.url}${FIVE9_PATH}`, {
          method: 'POST',
          headers: { authorization: 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), 'content-type': 'text/xml', soapaction: '""' },
          body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ser:getContactFields xmlns:ser="http://service.admin.ws.five9.com/"/></soapenv:Body></soapenv:Envelope>',
        }).then(async (r) => [r.status, await r.text()] as const);
      const [a, b] = await Promise.all([post(), post()]);
      expect([a[0], b[0]].sort()).toEqual([200, 500]);
      expect([a[1], b[1]].find((t) => t.includes('SessionClosedFault'))).toBeDefined();
    });
  });
});

describe('Function: pacificDateTime', () => {
  it('is built at first use: loading the worker (a connection test) reads no time-zone data', () => {
    const built = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      let fresh!: typeof import('../../shared/connectors/five9/pacific');
      jest.isolateModules(() => {
        require('../../functions/workers/five9');
        fresh = require('../../shared/connectors/five9/pacific');
      });
      expect(built).not.toHaveBeenCalled();
      expect(fresh.pacificDateTime(Date.parse('2024-05-01T07:00:00Z'))).toBe('2024-05-01T00:00:00.000-07:00');
      expect(fresh.pacificDateTime(Date.parse('2024-12-01T08:00:00Z'))).toBe('2024-12-01T00:00:00.000-08:00');
      expect(built).toHaveBeenCalledTimes(1);
    } finally {
      built.mockRestore();
    }
  });
});

describe('Function: parseCsv', () => {
  it('reads RFC 4180 rows by header (BOM, CRLF, quoted commas, quotes and line breaks) and refuses a broken file', () => {
    expect(parseCsv('\uFEFFCALL ID,CAMPAIGN,NOTES\r\n1,"Spring, ""VIP""","two\r\nlines"\r\n2,Inbound,\r\n')).toEqual([
      { 'CALL ID': '1', CAMPAIGN: 'Spring, "VIP"', NOTES: 'two\r\nlines' },
      { 'CALL ID': '2', CAMPAIGN: 'Inbound', NOTES: '' },
    ]);
    expect(parseCsv('CALL ID,CAMPAIGN\r\n')).toEqual([]);
    expect(() => parseCsv('A,B\r\n1,"open')).toThrow(MalformedPageError);
    expect(() => parseCsv('A,B\r\n1,2,3\r\n')).toThrow(/row 2 has 3 fields, the header 2/);
  });
});
