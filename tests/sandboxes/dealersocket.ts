import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { Faults, type FaultControls, logEntry, type LoggedRequest, readBody, RollingLimit, type RunningServer, startServer } from './kit';
import { xmlEscape } from './soap-kit';

/**
 * A fake DealerSocket partner API as open-source client code shows it (there is no public reference):
 * `POST /api/DealerSocket/SearchEntity` with a STAR 5 `GetCustomerInformation` document, signed by
 * `Authentication: <publicKey>:<base64 HMAC-SHA256(secretKey, raw body)>` (401 otherwise), answered with
 * `ShowCustomerInformation` (CustomerInformation → CustomerInformationDetail → CustomerParty), or with
 * `<Response><Success>false</Success><Message>…</Message></Response>` and HTTP 200 when the dealer is wrong.
 * A `ModifiedSince` element filters on LastModified (our configuration, not evidenced). Throttling is not
 * documented: past a configured limit it answers 429 with Retry-After.
 */
export const DS_BASE = '/api/DealerSocket';
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

export interface DsCustomer {
  PartyID: string;
  GivenName: string;
  FamilyName: string;
  Phone: string;
  LastModified: string;
}

export interface DealerSocketSandboxOptions {
  publicKey: string;
  secretKey: string;
  dealerId: string;
  customers: DsCustomer[];
  perWindow?: number;
  windowMs?: number;
}

export interface DealerSocketSandbox extends RunningServer, FaultControls {
  requests: Array<LoggedRequest & { body?: string; authentication?: string }>;
}

export function makeDsCustomers(n: number, start = Date.parse('2024-05-01T10:00:00Z')): DsCustomer[] {
  return Array.from({ length: n }, (_, i) => ({
    PartyID: String(769_200 + i),
    GivenName: `Sam${i}`,
    FamilyName: i % 2 ? 'Nguyen' : 'Smith & Wesson',
    Phone: `97255502${String(i).padStart(2, '0')}`,
    LastModified: new Date(start + i * 3_600_000).toISOString(),
  }));
}

export async function startDealerSocketSandbox(opts: DealerSocketSandboxOptions): Promise<DealerSocketSandbox> {
  const faults = new Faults();
  const limit = new RollingLimit(opts.perWindow ?? 1000, opts.windowMs ?? 60_000);
  const requests: DealerSocketSandbox['requests'] = [];
  const xml = (res: ServerResponse, status: number, body: string) => res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' }).end(body);
  const failure = (res: ServerResponse, message: string) => xml(res, 200, `<Response><Success>false</Success><Message>${xmlEscape(message)}</Message><EntityId>0</EntityId></Response>`);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const entry: DealerSocketSandbox['requests'][number] = { ...logEntry(req, res), authentication: req.headers.authentication as string | undefined };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const raw = (entry.body = await readBody(req));
    if (req.method !== 'POST' || req.url !== `${DS_BASE}/SearchEntity`) return void res.writeHead(404).end();
    const expected = `${opts.publicKey}:${createHmac('sha256', opts.secretKey).update(raw).digest('base64')}`;
    const got = Buffer.from(entry.authentication ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, Buffer.from(expected))) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
    if (!limit.take()) return void res.writeHead(429, { 'retry-after': String(limit.retryAfterSeconds()) }).end();
    const injected = faults.take();
    if (injected) return void res.writeHead(injected, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
    if (faults.takeMalformed()) return xml(res, 200, '<ShowCustomerInformation><ShowCustomerInformationDataArea>');
    let doc: Record<string, Record<string, unknown>>;
    try {
      doc = parser.parse(raw, true);
    } catch {
      return failure(res, 'Invalid XML');
    }
    const get = doc.GetCustomerInformation;
    if (!get || !/xmlns="http:\/\/www\.starstandard\.org\/STAR\/5"/.test(raw)) return failure(res, 'Expected a STAR 5 GetCustomerInformation');
    const area = get.ApplicationArea as { Destination?: { DealerNumberID?: string; DestinationNameCode?: string } } | undefined;
    if (area?.Destination?.DealerNumberID !== opts.dealerId || area.Destination.DestinationNameCode !== 'DS') return failure(res, 'Invalid DealerNumberID');
    const since = typeof get.ModifiedSince === 'string' ? Date.parse(get.ModifiedSince) : -Infinity;
    const rows = opts.customers.filter((c) => Date.parse(c.LastModified) >= since);
    const info = rows
      .map(
        (c) =>
          `<CustomerInformation><CustomerInformationDetail><CustomerParty><PartyID>${c.PartyID}</PartyID><SpecifiedPerson><GivenName>${xmlEscape(c.GivenName)}</GivenName>` +
          `<FamilyName>${xmlEscape(c.FamilyName)}</FamilyName><TelephoneCommunication><CompleteNumber>${c.Phone}</CompleteNumber><UseCode>Mobile</UseCode></TelephoneCommunication></SpecifiedPerson>` +
          `<LastModified>${c.LastModified}</LastModified></CustomerParty></CustomerInformationDetail></CustomerInformation>`,
      )
      .join('');
    return xml(res, 200, `<ShowCustomerInformation xmlns="http://www.starstandard.org/STAR/5"><ApplicationArea/><ShowCustomerInformationDataArea>${info}</ShowCustomerInformationDataArea></ShowCustomerInformation>`);
  };

  const server = await startServer(handle, (res, err) => res.writeHead(500).end(err.message));
  return { ...server, requests, ...faults.controls() };
}
