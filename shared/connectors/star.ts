import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '../http/client';
import { toXml, type XmlValue } from '../xml/xml';
import { XML_READER } from './response';
import type { RestStreamDef } from './rest';
import type { StarDataType } from './star-spec';

/**
 * Dealer systems that speak STAR XML (Standards for Technology in Automotive Retail) without a public API
 * reference (Reynolds & Reynolds RCI, DealerSocket): each data type is one request document, built as
 * `<request xmlns=…><ApplicationArea/>…criteria…<since/></request>`, and records at a path into the answer.
 * Element names, paths and criteria are configuration, so a dealership holding the vendor's interface
 * specification sets them without code; the defaults come from third-party code and are unverified.
 */

/** What differs between STAR vendors: the document namespace, its ApplicationArea, transport and auth. */
export interface StarVendor<C> {
  namespace: string;
  applicationArea(config: C, t: StarDataType): XmlValue;
  /** Wraps the request document for the wire (a SOAP envelope, or nothing). */
  wrap(document: string, config: C, t: StarDataType): string;
  /** Where the answer's document sits in the parsed response ('' = the root). */
  documentPath: string;
  contentType: string;
  url(config: C, t: StarDataType): string;
  fault(t: StarDataType): HttpRequest['fault'];
}

/** STAR's CreationDateTime: UTC, second precision. */
export const starNow = () => new Date().toISOString().slice(0, 19) + 'Z';

/** The request document for a data type; `extra` holds the values incremental reading puts in it. */
export function starDocument<C>(vendor: StarVendor<C>, config: C, t: StarDataType, extra: Record<string, unknown> = {}): string {
  return toXml({ [t.request]: { '@xmlns': vendor.namespace, ApplicationArea: vendor.applicationArea(config, t), ...(t.criteria as Record<string, XmlValue>), ...(extra as Record<string, XmlValue>) } });
}

/** A fresh BOD id and creation time for each request, as STAR asks. */
export const bod = () => ({ BODId: randomUUID(), CreationDateTime: starNow() });

/** One data type as a declarative REST stream: POST the document, read XML, no paging (none is documented). */
export function starStreamDef<C>(vendor: StarVendor<C>, t: StarDataType, lookbackMs: number): RestStreamDef<C> {
  return {
    name: t.name,
    method: 'POST',
    path: (config) => vendor.url(config, t),
    headers: { 'content-type': vendor.contentType },
    body: {},
    encode: (extra, config) => vendor.wrap(starDocument(vendor, config, t, extra), config, t),
    response: XML_READER,
    fault: vendor.fault(t),
    records: [vendor.documentPath, t.records].filter(Boolean).join('.'),
    id: t.id,
    pagination: { kind: 'none' },
    incremental: t.updated && t.since ? { field: t.updated, param: t.since, in: 'body', format: 'iso', lookbackMs } : undefined,
  };
}

/** The connection test's request: the first data type's document, as a stream would send it. */
export function starTestRequest<C>(vendor: StarVendor<C>, config: C, t: StarDataType): HttpRequest {
  return {
    method: 'POST',
    url: vendor.url(config, t),
    headers: { 'content-type': vendor.contentType, accept: 'application/xml, text/xml' },
    body: vendor.wrap(starDocument(vendor, config, t), config, t),
    fault: vendor.fault(t),
    stream: 'test',
  };
}
