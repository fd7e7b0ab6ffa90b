import { XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { MalformedPageError } from '../errors';

/**
 * XML in and out for SOAP vendors (Five9, Reynolds) and XML REST responses (DealerSocket). Parsed XML is plain
 * JSON: namespace prefixes dropped (`ns2:getContactRecordsResponse` → `getContactRecordsResponse`), attributes
 * as `@name`, an element with attributes and text as `{ '#text', '@…' }`, every value a string (ids such as
 * `007` keep their zeros), a repeated element an array and a single one not: read lists with `asArray`.
 */
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The value of a parsed element: text, a node, or a list of either (a repeated element). */
export type XmlNode = string | { [name: string]: XmlNode } | XmlNode[];

/**
 * Parses an XML document; anything that is not one well-formed element throws `MalformedPageError`.
 * A DOCTYPE is refused outright: SOAP forbids it, and it is how entity-expansion attacks arrive.
 * @example parseXml('<a><b>1</b><b>2</b></a>') // { a: { b: ['1', '2'] } }
 */
export function parseXml(text: string, what = 'response'): Record<string, XmlNode> {
  if (/<!DOCTYPE/i.test(text)) throw new MalformedPageError(`${what}: XML with a DOCTYPE is refused`);
  let doc: Record<string, XmlNode>;
  try {
    doc = parser.parse(text, true) as Record<string, XmlNode>;
  } catch (err) {
    throw new MalformedPageError(`${what} is not well-formed XML: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Object.keys(doc).length !== 1) throw new MalformedPageError(`${what} is not an XML document`);
  return doc;
}

/** A repeated-or-single element as a list; an absent or empty element is an empty list. */
export function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of an element, whether or not it carries attributes. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' ? t : t === undefined ? '' : String(t);
  }
  return undefined;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** What `toXml` writes: text, child elements by name (a list repeats the element), nothing for undefined. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

/**
 * Element content from plain data, every text escaped; in an element's object, `@name` keys are its
 * attributes and `#text` its text, as `parseXml` reads them. Names are the caller's constants, never user input.
 * @example toXml({ criteria: [{ field: 'number1', value: '9%' }] }) // '<criteria><field>number1</field><value>9%</value></criteria>'
 * @example toXml({ Get: { '@xmlns': 'urn:star', Id: '7' } }) // '<Get xmlns="urn:star"><Id>7</Id></Get>'
 */
export function toXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (typeof value !== 'object') return escapeXml(String(value));
  if (Array.isArray(value)) return value.map(toXml).join('');
  return Object.entries(value)
    .filter(([name]) => !name.startsWith('@'))
    .flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined).map((x) => (name === '#text' ? toXml(x) : element(name, x))))
    .join('');
}

function element(name: string, v: XmlValue): string {
  const attrs =
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v)
          .filter(([k, a]) => k.startsWith('@') && a !== undefined)
          .map(([k, a]) => ` ${k.slice(1)}="${escapeXml(String(a))}"`)
          .join('')
      : '';
  return `<${name}${attrs}>${toXml(v)}</${name}>`;
}

/**
 * Parses a piece of parsed XML with zod; a mismatch is the vendor's malformed page.
 * @example readXml(z.object({ return: z.string() }), res.runReportResponse, 'five9/calls runReport')
 */
export function readXml<S extends z.ZodType>(schema: S, node: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(node);
  if (!r.success) throw new MalformedPageError(`${what}: unexpected answer (${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  return r.data;
}

/** A list element in a zod schema: one element, several, or none all parse as an array. */
export const xmlList = <T extends z.ZodType>(item: T) => z.preprocess(asArray, z.array(item));

/** An element's text in a zod schema (`<data/>` is '', an element with attributes gives its text). */
export const xmlText = z.preprocess((v) => textOf(v) ?? v, z.string());
