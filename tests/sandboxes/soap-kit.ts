import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { readBody } from './kit';

/**
 * What SOAP 1.1 sandboxes share: reading a request envelope, answering one, and answering a fault with HTTP
 * 500 (SOAP 1.1 §6.2). The vendor's operations, namespaces, fault names and auth stay in its own sandbox.
 */
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

export interface SoapRequest {
  raw: string;
  /** `Header`'s children, prefixes dropped. */
  header: Record<string, unknown>;
  /** The Body's one child: its local name and content. */
  operation: string;
  content: Record<string, unknown>;
}

/** Reads the envelope; undefined when the request is not a SOAP 1.1 envelope with one Body child. */
export async function readEnvelope(req: IncomingMessage): Promise<SoapRequest | undefined> {
  const raw = await readBody(req);
  let doc: Record<string, Record<string, unknown>>;
  try {
    doc = parser.parse(raw, true);
  } catch {
    return undefined;
  }
  if (!raw.includes('http://schemas.xmlsoap.org/soap/envelope/')) return undefined;
  const body = doc.Envelope?.Body as Record<string, unknown> | undefined;
  const names = body && typeof body === 'object' ? Object.keys(body).filter((k) => !k.startsWith('@')) : [];
  if (names.length !== 1) return undefined;
  const content = body![names[0]];
  return { raw, header: (doc.Envelope.Header as Record<string, unknown>) || {}, operation: names[0], content: typeof content === 'object' && content ? (content as Record<string, unknown>) : {} };
}

export const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Answers `body` inside a SOAP envelope (the `env` prefix, as JAX-WS servers such as Five9's write it). */
export function sendSoap(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml;charset=utf-8' });
  res.end(`<?xml version="1.0" ?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header/><env:Body>${body}</env:Body></env:Envelope>`);
}

/** A SOAP 1.1 fault with HTTP 500; `detail` is the fault element's XML (e.g. `<ns2:ReportNotFoundFault …>`). */
export function sendFault(res: ServerResponse, faultcode: string, faultstring: string, detail = ''): void {
  sendSoap(res, 500, `<env:Fault><faultcode>${faultcode}</faultcode><faultstring>${xmlEscape(faultstring)}</faultstring>${detail ? `<detail>${detail}</detail>` : ''}</env:Fault>`);
}
