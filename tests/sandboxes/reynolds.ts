import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults, type FaultControls, logEntry, type LoggedRequest, RollingLimit, type RunningServer, startServer } from './kit';
import { readEnvelope, sendFault, sendSoap, xmlEscape } from './soap-kit';

/**
 * A fake Reynolds RCI receive endpoint as third-party code shows it (there is no public reference): SOAP 1.1
 * POST to `/Sync/RCI/<VendorTag>/Receive.ashx`, a WS-Security UsernameToken (else a `wsse:FailedAuthentication`
 * fault), a STAR transport `ProcessMessage` whose payloadManifest names the payload's root, one `rey_…`
 * inquiry document per data type answered by its `…Response` document with `GenTransStatus Status/StatusCode`
 * (`Failure` with HTTP 200 for an unknown dealer or transaction), `ModifiedSince` filtering on LastUpdateDate.
 * Throttling is not documented: past a configured limit it answers 429 with Retry-After.
 */
export const RCI_PATH = '/Sync/RCI/ACME/Receive.ashx';
const TRANSPORT = 'http://www.starstandards.org/webservices/2005/10/transport';

export type RciRecord = Record<string, string>;

export interface ReynoldsSandboxOptions {
  username: string;
  password: string;
  dealerNumber: string;
  /** Records per request document root, e.g. `rey_CustomerInquiryRequest`, with `LastUpdateDate` (ISO). */
  records: Record<string, { element: string; rows: RciRecord[] }>;
  perWindow?: number;
  windowMs?: number;
}

export interface ReynoldsSandbox extends RunningServer, FaultControls {
  requests: Array<LoggedRequest & { document?: string; since?: string; bodId?: string }>;
}

export async function startReynoldsSandbox(opts: ReynoldsSandboxOptions): Promise<ReynoldsSandbox> {
  const faults = new Faults();
  const limit = new RollingLimit(opts.perWindow ?? 1000, opts.windowMs ?? 60_000);
  const requests: ReynoldsSandbox['requests'] = [];

  const respond = (res: ServerResponse, root: string, status: string, code: number, inner = '', message = '') =>
    sendSoap(
      res,
      200,
      `<ProcessMessageResponse xmlns="${TRANSPORT}"><payload><content id="Content-1"><${root} xmlns="http://www.starstandards.org/STAR">` +
        `<ApplicationArea><BODId>${Math.random().toString(16).slice(2)}</BODId></ApplicationArea>` +
        `<GenTransStatus Status="${status}" StatusCode="${code}">${xmlEscape(message)}</GenTransStatus>${inner}</${root}></content></payload></ProcessMessageResponse>`,
    );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const entry: ReynoldsSandbox['requests'][number] = { ...logEntry(req, res) };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (req.method !== 'POST' || req.url !== RCI_PATH) return void res.writeHead(404).end();
    const env = await readEnvelope(req);
    if (!env || env.operation !== 'ProcessMessage') return sendFault(res, 'soap:Client', 'Expected a ProcessMessage envelope');
    const token = (env.header.Security as { UsernameToken?: { Username?: string; Password?: unknown } } | undefined)?.UsernameToken;
    const password = typeof token?.Password === 'object' ? (token.Password as { '#text'?: string })['#text'] : token?.Password;
    if (token?.Username !== opts.username || password !== opts.password) return sendFault(res, 'wsse:FailedAuthentication', 'The security token could not be authenticated or authorized');
    if (!limit.take()) return void res.writeHead(429, { 'retry-after': String(limit.retryAfterSeconds()), 'content-type': 'text/plain' }).end('Too Many Requests');
    const injected = faults.take();
    if (injected) return void res.writeHead(injected, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>');
    if (faults.takeMalformed()) return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<env:Envelope><env:Body><ProcessMessageResponse><payload>');

    const content = ((env.content.payload as Record<string, unknown> | undefined)?.content ?? {}) as Record<string, unknown>;
    const root = Object.keys(content).find((k) => !k.startsWith('@'));
    const manifest = ((env.header.payloadManifest as Record<string, unknown> | undefined)?.manifest ?? {}) as Record<string, string>;
    if (!root || manifest['@element'] !== root) return sendFault(res, 'soap:Client', 'payloadManifest does not name the payload');
    const doc = content[root] as Record<string, unknown>;
    const area = doc.ApplicationArea as { BODId?: string; Destination?: { DealerNumber?: string } } | undefined;
    entry.document = root;
    entry.bodId = area?.BODId;
    entry.since = typeof doc.ModifiedSince === 'string' ? doc.ModifiedSince : undefined;
    const answer = root.replace(/Request$/, 'Response');
    if (area?.Destination?.DealerNumber !== opts.dealerNumber) return respond(res, answer, 'Failure', 201, '', 'Dealer number not found');
    const set = opts.records[root];
    if (!set) return respond(res, answer, 'Failure', 101, '', `Unknown transaction ${root}`);
    const since = entry.since ? Date.parse(entry.since) : -Infinity;
    const rows = set.rows.filter((r) => Date.parse(r.LastUpdateDate) >= since);
    const xml = rows.map((r) => `<${set.element}>${Object.entries(r).map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join('')}</${set.element}>`).join('');
    return respond(res, answer, 'Success', 0, xml);
  };

  const server = await startServer(handle, (res, err) => sendFault(res, 'soap:Server', err.message));
  return { ...server, requests, ...faults.controls() };
}

/** `n` customers updated one hour apart from `start`. */
export function makeRciCustomers(n: number, start = Date.parse('2024-05-01T10:00:00Z')): RciRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    CustomerId: String(80_000 + i),
    FirstName: `Pat${i}`,
    LastName: i % 2 ? "O'Neil & Sons" : 'Rivera',
    Phone: `21455501${String(i).padStart(2, '0')}`,
    LastUpdateDate: new Date(start + i * 3_600_000).toISOString().slice(0, 19),
  }));
}
