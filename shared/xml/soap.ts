import { MalformedPageError, SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import { redact } from '../log';
import { asArray, escapeXml, parseXml, textOf, type XmlNode } from './xml';

/**
 * A small SOAP 1.1 layer over the one HTTP client: envelope, optional WS-Security UsernameToken, and faults
 * mapped to our errors. A vendor says which of its faults are retryable, which mean bad credentials, and when a
 * retry can succeed; the client then retries those like a 5xx and throws the rest at once.
 * https://www.w3.org/TR/2000/NOTE-SOAP-20000508/#_Toc478383507 (faults arrive with HTTP 500)
 */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** What a named fault means for us. */
export interface FaultRule {
  code: string;
  /** The credentials were refused: an `auth_failed` error with status 401, never retried. */
  auth?: boolean;
  retryable?: boolean;
  /** A retryable fault's earliest useful retry (a per-minute quota: the next minute). */
  retryAt?: (now: number) => number;
}

/** WS-Security's own faults (OASIS WSS 1.0 §12): all mean the token was refused. */
const WSSE_FAULTS: Record<string, FaultRule> = Object.fromEntries(
  ['FailedAuthentication', 'InvalidSecurityToken', 'InvalidSecurity', 'FailedCheck'].map((n) => [n, { code: 'auth_failed', auth: true }]),
);

export interface SoapFault {
  /** The first element of `detail` (Five9's `OperationsLimitExceededFault`), else the faultcode's local part. */
  name: string;
  message: string;
}

/** The fault in a SOAP response body (1.1 `faultcode`/`faultstring`, or 1.2 `Code`/`Reason`), if there is one. */
export function readFault(body: unknown): SoapFault | undefined {
  if (typeof body !== 'string' || !/<([\w.-]+:)?Fault[\s>]/.test(body)) return undefined;
  let doc: Record<string, XmlNode>;
  try {
    doc = parseXml(body);
  } catch {
    return undefined;
  }
  const fault = (doc.Envelope as Record<string, Record<string, Record<string, unknown>>> | undefined)?.Body?.Fault;
  if (!fault || typeof fault !== 'object') return undefined;
  const detail = fault.detail ?? fault.Detail;
  const detailName = detail && typeof detail === 'object' ? Object.keys(detail).find((k) => !k.startsWith('@') && k !== '#text') : undefined;
  const code = textOf(fault.faultcode) ?? textOf((fault.Code as Record<string, unknown> | undefined)?.Value) ?? 'Fault';
  const message = textOf(fault.faultstring) ?? textOf(asArray((fault.Reason as Record<string, unknown> | undefined)?.Text)[0]) ?? '';
  return { name: detailName ?? code.split(':').pop()!, message: message.trim().slice(0, 300) };
}

export interface SoapEndpoint {
  http: HttpClient;
  /** The endpoint (absolute, or a path joined to the client's base URL). */
  url: string;
  /** Header content, e.g. `wsseUsernameToken(…)`. */
  header?: string;
  /** The vendor's faults by name; WS-Security's are known already; any other fault fails at once. */
  faults?: Record<string, FaultRule>;
  /** `SOAPAction` header: Five9 and Reynolds both send it empty. */
  soapAction?: string;
}

/** The error a fault becomes, named by connector, data type and operation. */
export function faultError(fault: SoapFault, rules: Record<string, FaultRule>, where: string, status: number): SourceError {
  const rule = rules[fault.name] ?? WSSE_FAULTS[fault.name];
  const text = `${where} answered fault ${fault.name}${fault.message ? ` (${fault.message})` : ''}`;
  if (rule?.auth) return new SourceError('auth_failed', `Authentication Failed: ${text}`, { status: 401 });
  if (rule?.retryable) return new SourceError(rule.code, `Request failed: ${text}`, { status, retryable: true, retryAt: rule.retryAt?.(Date.now()) });
  return new SourceError(rule?.code ?? 'source_error', `Request failed: ${text}`, { status });
}

/**
 * Posts one SOAP call and answers the element inside `Body` (e.g. `getContactRecordsResponse`).
 * @param body the Body's content, already XML (see `operation` for the usual one-element form)
 * @example const res = await soapCall(ep, 'runReport', operation(NS, 'runReport', toXml({ folderName, reportName })), 'calls');
 */
export async function soapCall(ep: SoapEndpoint, name: string, body: string, stream?: string): Promise<Record<string, XmlNode>> {
  const where = `${ep.http.opts.connector}${stream ? `/${stream}` : ''} ${name}`;
  const rules = ep.faults ?? {};
  const envelope = soapEnvelope(body, ep.header);
  const res = await ep.http.request<unknown>({
    method: 'POST',
    url: ep.url,
    headers: { 'content-type': 'text/xml;charset=UTF-8', accept: 'text/xml', soapaction: ep.soapAction ?? '""' },
    body: envelope,
    stream,
    fault: (status, text) => {
      const fault = readFault(text);
      return fault && faultError(fault, rules, where, status);
    },
  });
  if (typeof res.body !== 'string') throw new MalformedPageError(`${where}: the answer is not XML`);
  const doc = parseXml(res.body, where);
  const content = (doc.Envelope as Record<string, unknown> | undefined)?.Body;
  if (!content || typeof content !== 'object' || Array.isArray(content)) throw new MalformedPageError(`${where}: the answer has no SOAP Body`);
  return content as Record<string, XmlNode>;
}

/** A SOAP 1.1 envelope around Body content (and Header content, e.g. `wsseUsernameToken(…)`). */
export function soapEnvelope(body: string, header = ''): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Header>${header}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** The usual Body: one operation element in the service's namespace, its children unqualified. */
export function operation(namespace: string, name: string, content: string): string {
  return `<ser:${name} xmlns:ser="${escapeXml(namespace)}">${content}</ser:${name}>`;
}

/** A WS-Security header with a plain-text UsernameToken (Reynolds RCI); the password is registered for redaction. */
export function wsseUsernameToken(username: string, password: string): string {
  redact(password);
  return (
    `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${WSSE_NS}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(username)}</wsse:Username><wsse:Password Type="${PASSWORD_TEXT}">${escapeXml(password)}</wsse:Password>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}
