import * as z from 'zod';
import { MalformedPageError } from '../errors';
import { asArray, parseXml } from '../xml/xml';
import { getPath } from './paging';

/**
 * How a REST stream reads its response body, declared per stream like its pagination: JSON as the client
 * decoded it, or XML parsed to the same kind of value (shared/xml: prefixes dropped, `@attr`, strings), so
 * record paths, id paths and paging paths are dotted paths into either.
 */
export const ResponseFormatSchema = z.enum(['json', 'xml']).default('json');
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

export interface ResponseReader {
  /** The decoded body, or MalformedPageError. */
  body(raw: unknown, what: string): unknown;
  /** The records at `path`, or undefined when the page has none where they should be. */
  records(body: unknown, path: string): unknown[] | undefined;
}

export const RESPONSE_READERS: Record<ResponseFormat, ResponseReader> = {
  json: {
    body: (raw) => raw,
    records: (body, path) => {
      const v = getPath(body, path);
      return Array.isArray(v) ? v : undefined;
    },
  },
  xml: {
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
  },
};

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
