import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { dealersocket } from '../../shared/connectors/dealersocket';
import { DealerSocketConfigSchema } from '../../shared/connectors/dealersocket/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { readStream, testConnector } from '../helpers/read';
import { DS_BASE, type DealerSocketSandbox, type DealerSocketSandboxOptions, makeDsCustomers, startDealerSocketSandbox } from '../sandboxes/dealersocket';

const PUBLIC = 'acme-partner';
const SECRET = 'ds-secret-0a1b2c3d4e';
const DEALER = '3250_0';
const customers = makeDsCustomers(4);
const BY_CHANGE = {
  name: 'customers',
  path: '/SearchEntity',
  request: 'GetCustomerInformation',
  records: 'ShowCustomerInformation.ShowCustomerInformationDataArea.CustomerInformation',
  id: 'CustomerInformationDetail.CustomerParty.PartyID',
  updated: 'CustomerInformationDetail.CustomerParty.LastModified',
  since: 'ModifiedSince',
};

describe('Connector: dealersocket', () => {
  let sb: DealerSocketSandbox;
  const start = async (o: Partial<DealerSocketSandboxOptions> = {}) => {
    sb = await startDealerSocketSandbox({ publicKey: PUBLIC, secretKey: SECRET, dealerId: DEALER, customers, ...o });
  };
  const configFor = (extra: Record<string, unknown> = {}) =>
    DealerSocketConfigSchema.parse({ baseUrl: `${sb.url}${DS_BASE}`, username: PUBLIC, secretKey: SECRET, dealerId: DEALER, ...extra }) as Record<string, unknown>;
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('says it is unverified against the vendor and keeps the secret key write-only', () => {
      expect(dealersocket.description).toMatch(/Unverified against the vendor/);
      expect(dealersocket.defaultDataTypes).toEqual(['customers']);
      expect(secretFields(dealersocket.configSchema)).toEqual(['secretKey']);
      const schema = z.toJSONSchema(dealersocket.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required: string[] };
      expect(schema.properties.baseUrl.default).toBe('https://api.dealersocket.com/api/DealerSocket');
      expect(schema.required.sort()).toEqual(['dealerId', 'secretKey', 'username']);
    });
  });

  describe('Method: test', () => {
    const test = (config: Record<string, unknown>) => testConnector(dealersocket, config);

    it('signs the exact body with HMAC-SHA256 in the Authentication header, never sending the secret', async () => {
      await start();
      expect(await test(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      const [r] = sb.requests;
      expect(r.authentication).toBe(`${PUBLIC}:${createHmac('sha256', SECRET).update(r.body!).digest('base64')}`);
      expect(`${r.authentication}${r.body}`).not.toContain(SECRET);
    });

    it('answers "Authentication Failed" when the signature is refused', async () => {
      await start();
      const r = await test(configFor({ secretKey: 'another-secret-key' }));
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Authentication Failed: dealersocket\/test POST \/api\/DealerSocket\/SearchEntity answered 401/);
    });
  });

  describe('Streams', () => {
    it('posts a STAR 5 GetCustomerInformation for the dealer and reads CustomerInformation by PartyID', async () => {
      await start();
      const r = await readStream(dealersocket, configFor(), 'customers');
      expect(r.records.map((x) => x.id)).toEqual(customers.map((c) => c.PartyID));
      expect(r.records[1].data).toMatchObject({ CustomerInformationDetail: { CustomerParty: { PartyID: '769201', SpecifiedPerson: { FamilyName: 'Nguyen' } } } });
      expect(sb.requests).toHaveLength(1);
      expect(sb.requests[0].body).toMatch(
        /^<GetCustomerInformation xmlns="http:\/\/www\.starstandard\.org\/STAR\/5"><ApplicationArea><Sender><CreatorNameCode>Switchboard<\/CreatorNameCode>.*<Destination><DealerNumberID>3250_0<\/DealerNumberID><DestinationNameCode>DS<\/DestinationNameCode><ServiceMessageID>SearchEntity<\/ServiceMessageID><\/Destination><CreationDateTime>[0-9T:-]+Z<\/CreationDateTime><\/ApplicationArea><GetCustomerInformationDataArea>.*<FamilyName>\*<\/FamilyName>/,
      );
    });

    it('reads incrementally when configured with the modified-time path and the request element for it, resuming from the same mark', async () => {
      await start();
      const full = await readStream(dealersocket, configFor({ dataTypes: [BY_CHANGE] }), 'customers');
      expect(full.cursor).toEqual({ hwm: customers[3].LastModified });
      const inc = await readStream(dealersocket, configFor({ dataTypes: [BY_CHANGE], lookbackMinutes: 30 }), 'customers', { mode: 'incremental', cursor: full.cursor, resuming: true });
      expect(sb.requests[1].body).toContain('<ModifiedSince>2024-05-01T12:30:00.000Z</ModifiedSince>');
      expect(inc.records.map((x) => x.id)).toEqual(['769203']);
    });

    it('fails on <Success>false</Success> inside an HTTP 200 with the vendor message', async () => {
      await start();
      const err = await readStream(dealersocket, configFor({ dealerId: '1_0' }), 'customers').catch((e) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err.message).toBe('Request failed: dealersocket/customers answered Success=false (Invalid DealerNumberID)');
    });

    it('waits out a 429, retries a 503 and fails a malformed answer as such', async () => {
      await start({ perWindow: 1, windowMs: 1000 });
      await readStream(dealersocket, configFor(), 'customers');
      const r = await readStream(dealersocket, configFor(), 'customers');
      expect(r.stats.http429).toBe(1);
      await sb.close();
      await start();
      sb.failNext(1, 503);
      expect((await readStream(dealersocket, configFor(), 'customers')).stats.retries).toBe(1);
      sb.malformedNext(1);
      await expect(readStream(dealersocket, configFor(), 'customers')).rejects.toBeInstanceOf(MalformedPageError);
    });

    it('fails a stream with 401 auth_failed on a bad signature', async () => {
      await start();
      await expect(readStream(dealersocket, configFor({ secretKey: 'nope-nope-nope' }), 'customers')).rejects.toMatchObject({ code: 'auth_failed', status: 401 });
    });
  });
});
