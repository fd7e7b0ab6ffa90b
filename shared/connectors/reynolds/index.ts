import { SourceError } from '../../errors';
import { redact } from '../../log';
import { faultError, readFault, soapEnvelope, wsseUsernameToken } from '../../xml/soap';
import { parseXml, textOf } from '../../xml/xml';
import { xmlPath } from '../response';
import { restStream, testConnection } from '../rest';
import { bod, type StarVendor, starStreamDef, starTestRequest } from '../star';
import type { Connector } from '../types';
import { type ReynoldsConfig, ReynoldsConfigSchema, reynoldsSpec } from './spec';

/** STAR's web-services transport (2005/10): the envelope's ProcessMessage and payloadManifest. */
const TRANSPORT_NS = 'http://www.starstandards.org/webservices/2005/10/transport';
const STAR_NS = 'http://www.starstandards.org/STAR';
const DOCUMENT = 'Envelope.Body.*.payload.content';

/**
 * Business failures come back with HTTP 200: the answer's document carries `GenTransStatus`/`TransStatus`
 * with `Status` `Success|Failure` and a numeric `StatusCode` (as attributes or as elements).
 */
function statusFailure(document: unknown): { code?: string; message?: string } | undefined {
  if (!document || typeof document !== 'object') return undefined;
  const d = document as Record<string, unknown>;
  const node = (d.GenTransStatus ?? d.TransStatus) as Record<string, unknown> | undefined;
  if (!node || typeof node !== 'object') return undefined;
  const status = textOf(node['@Status'] ?? node.Status);
  if (status !== 'Failure') return undefined;
  return { code: textOf(node['@StatusCode'] ?? node.StatusCode), message: textOf(node.Message) || textOf(node) || undefined };
}

export const REYNOLDS: StarVendor<ReynoldsConfig> = {
  namespace: STAR_NS,
  applicationArea: (config) => ({
    ...bod(),
    Sender: { Component: config.senderComponent, SenderName: config.senderName },
    Destination: { DestinationNameCode: config.destinationNameCode, DealerNumber: config.dealerNumber, StoreNumber: config.storeNumber, AreaNumber: config.areaNumber },
  }),
  wrap: (document, config, t) =>
    soapEnvelope(
      `<ProcessMessage xmlns="${TRANSPORT_NS}"><payload><content id="Content-1">${document}</content></payload></ProcessMessage>`,
      wsseUsernameToken(config.username, config.password) +
        `<payloadManifest xmlns="${TRANSPORT_NS}"><manifest ContentID="Content-1" namespaceURI="${STAR_NS}" element="${t.request}"/></payloadManifest>`,
    ),
  documentPath: DOCUMENT,
  contentType: 'text/xml; charset=utf-8',
  url: (config, t) => config.baseUrl + t.path,
  fault: (t) => (status, body) => {
    const where = `reynolds/${t.name} ProcessMessage`;
    const fault = readFault(body);
    if (fault) return faultError(fault, {}, where, status);
    if (status >= 300 || typeof body !== 'string' || !/Failure/.test(body)) return undefined;
    const failed = statusFailure(xmlPath(parseXml(body, where), `${DOCUMENT}.*`));
    if (!failed) return undefined;
    return new SourceError('vendor_failure', `Request failed: ${where} answered Status=Failure${failed.code ? ` (StatusCode ${failed.code}${failed.message ? `: ${failed.message.slice(0, 200)}` : ''})` : ''}`, { status });
  },
};

/** Reynolds RCI through the STAR machinery: SOAP, WS-Security, one inquiry per data type. */
export const reynolds: Connector<typeof ReynoldsConfigSchema> = {
  ...reynoldsSpec,
  http: (config) => {
    redact(config.password);
    return { baseUrl: config.baseUrl };
  },
  streams: (config) => config.dataTypes.map((t) => restStream(starStreamDef(REYNOLDS, t, config.lookbackMinutes * 60_000))),
  test: (ctx) => testConnection(ctx, starTestRequest(REYNOLDS, ctx.config, ctx.config.dataTypes[0])),
};
