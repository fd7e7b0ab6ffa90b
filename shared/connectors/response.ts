import { MalformedPageError } from '../errors';
import { asArray, parseXml } from '../xml/xml';
import { getPath } from './paging';
import { JSON_READER, type ResponseReader } from './rest';

/**
 * The response readers a stream can declare (rest.ts's ResponseReader): the XML one lives here, beside the
 * XML parser, so only the workers of XML sources (and a Custom API, whose streams choose) bundle it.
 */
export const XML_READER: ResponseReader = {
  accept: 'application/xml, text/xml',
  body: (raw, what) => {
    if (typeof raw !== 'string') throw new MalformedPageError(`${what} is not XML`);
    return parseXml(raw, what);
  },
  // XML has no empty list: no element is none, one element is one record. The element holding them must be there.
  records: (body, path) => {
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? body : xmlPath(body, path.slice(0, dot));
    if (parent === undefined || parent === null || Array.isArray(parent)) return undefined;
    return parent === '' ? [] : asArray(xmlPath(parent, path.slice(dot + 1)));
  },
};

/** The readers by the name a Custom API stream's config gives (custom-api/spec.ts's `response`). */
export const RESPONSE_READERS = { json: JSON_READER, xml: XML_READER };

/**
 * A dotted path into parsed XML where `*` is whatever single element stands there, for wrappers whose name
 * a vendor does not fix (a SOAP response element, a payload's root: `Envelope.Body.*.payload.content.*`).
 */
export function xmlPath(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (key !== '*') v = getPath(v, key);
    else if (v && typeof v === 'object' && !Array.isArray(v)) v = Object.entries(v).find(([k]) => !k.startsWith('@') && k !== '#text')?.[1];
    else return undefined;
  }
  return v;
}
