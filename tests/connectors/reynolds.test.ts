import * as z from 'zod';
import { reynolds } from '../../shared/connectors/reynolds';
import { ReynoldsConfigSchema } from '../../shared/connectors/reynolds/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { readStream, testConnector } from '../helpers/read';
import { makeRciCustomers, RCI_PATH, type ReynoldsSandbox, type ReynoldsSandboxOptions, startReynoldsSandbox } from '../sandboxes/reynolds';

const USER = 'ACMEVENDOR';
const PASSWORD = 'rci-pw-9f8e7d6c';
const DEALER = '300123';
const customers = makeRciCustomers(5);
const vehicles = [{ Vin: '1HGCM82633A004352', Make: 'Honda', Model: 'Accord', LastUpdateDate: '2024-05-02T09:00:00' }];

describe('Connector: reynolds', () => {
  let sb: ReynoldsSandbox;
  const start = async (o: Partial<ReynoldsSandboxOptions> = {}) => {
    sb = await startReynoldsSandbox({
      username: USER,
      password: PASSWORD,
      dealerNumber: DEALER,
      records: { rey_CustomerInquiryRequest: { element: 'Customer', rows: customers }, rey_VehicleInquiryRequest: { element: 'Vehicle', rows: vehicles } },
      ...o,
    });
  };
  const configFor = (extra: Record<string, unknown> = {}) =>
    ReynoldsConfigSchema.parse({ baseUrl: `${sb.url}${RCI_PATH}`, username: USER, password: PASSWORD, dealerNumber: DEALER, ...extra }) as Record<string, unknown>;
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('says it is unverified against the vendor, keeps the password write-only and offers dealership data types', () => {
      expect(reynolds.description).toMatch(/Unverified against the vendor/);
      expect(reynolds.defaultDataTypes).toEqual(['customers', 'vehicles', 'service_appointments']);
      expect(secretFields(reynolds.configSchema)).toEqual(['password']);
      const schema = z.toJSONSchema(reynolds.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required: string[] };
      expect(schema.properties.password).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.required.sort()).toEqual(['baseUrl', 'dealerNumber', 'password', 'username']);
    });
  });

  describe('Method: test', () => {
    const test = (config: Record<string, unknown>) => testConnector(reynolds, config);

    it('sends the first inquiry and succeeds', async () => {
      await start();
      expect(await test(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests.map((r) => r.document)).toEqual(['rey_CustomerInquiryRequest']);
    });

    it('answers "Authentication Failed" on a WS-Security fault, without the password', async () => {
      await start();
      const r = await test(configFor({ password: 'wrong-rci-pw' }));
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Authentication Failed: reynolds\/customers ProcessMessage answered fault FailedAuthentication/);
      expect(r.message).not.toContain('wrong-rci-pw');
    });
  });

  describe('Streams', () => {
    it('posts a ProcessMessage with the dealer ApplicationArea and reads the records of the answer document', async () => {
      await start();
      const r = await readStream(reynolds, configFor(), 'customers');
      expect(r.records.map((x) => x.id)).toEqual(customers.map((c) => c.CustomerId));
      expect(r.records[1].data).toEqual(customers[1]);
      expect(r.cursor).toEqual({ hwm: '2024-05-01T14:00:00.000Z' });
      // One request: no paging is documented, so one inquiry is the whole data type.
      expect(sb.requests).toHaveLength(1);
      expect(sb.requests[0].since).toBeUndefined();
      expect(sb.requests[0].bodId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('reads a single record element as one record and a data type configured from the interface spec', async () => {
      await start();
      const one = await readStream(reynolds, configFor(), 'vehicles');
      expect(one.records.map((x) => x.id)).toEqual(['1HGCM82633A004352']);
      const custom = configFor({ dataTypes: [{ name: 'autos', request: 'rey_VehicleInquiryRequest', records: 'rey_VehicleInquiryResponse.Vehicle', id: 'Vin' }] });
      expect((await readStream(reynolds, custom, 'autos')).records).toHaveLength(1);
    });

    it('sends ModifiedSince = the newest LastUpdateDate − lookback on incremental runs, and again when resuming', async () => {
      await start();
      const full = await readStream(reynolds, configFor(), 'customers');
      const inc = await readStream(reynolds, configFor({ lookbackMinutes: 90 }), 'customers', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests[1].since).toBe('2024-05-01T12:30:00.000Z');
      expect(inc.records.map((x) => x.id)).toEqual(['80003', '80004']);
      // A crash leaves the last durable cursor: the re-delivered run asks from the same mark, losing nothing.
      const resumed = await readStream(reynolds, configFor({ lookbackMinutes: 90 }), 'customers', { mode: 'incremental', cursor: full.cursor, resuming: true });
      expect(resumed.records.map((x) => x.id)).toEqual(['80003', '80004']);
    });

    it('fails on Status=Failure inside an HTTP 200, naming the StatusCode', async () => {
      await start();
      const err = await readStream(reynolds, configFor({ dealerNumber: '999999' }), 'customers').catch((e) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ code: 'vendor_failure', retryable: false });
      expect(err.message).toBe('Request failed: reynolds/customers ProcessMessage answered Status=Failure (StatusCode 201: Dealer number not found)');
    });

    it('fails a stream on a refused token with 401 auth_failed, once', async () => {
      await start();
      const err = await readStream(reynolds, configFor({ password: 'nope-nope' }), 'customers').catch((e) => e);
      expect(err).toMatchObject({ code: 'auth_failed', status: 401 });
      expect(sb.requests).toHaveLength(1);
    });

    it('waits out a 429 with Retry-After, then carries on', async () => {
      await start({ perWindow: 1, windowMs: 1000 });
      await readStream(reynolds, configFor(), 'vehicles');
      const r = await readStream(reynolds, configFor(), 'customers');
      expect(r.records).toHaveLength(5);
      expect(r.stats.http429).toBe(1);
      expect(sb.requests.map((x) => x.status)).toEqual([200, 429, 200]);
    });

    it('retries a 503, then carries on', async () => {
      await start();
      sb.failNext(2, 503);
      const r = await readStream(reynolds, configFor(), 'customers');
      expect(r.records).toHaveLength(5);
      expect(r.stats.retries).toBe(2);
    });

    it('fails an answer that is not well-formed XML with MalformedPageError', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(reynolds, configFor(), 'customers')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });
});
