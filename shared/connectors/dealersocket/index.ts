import { createHmac } from 'node:crypto';
import { SourceError } from '../../errors';
import type { Auth } from '../../http/auth';
import { redact } from '../../log';
import { parseXml, textOf } from '../../xml/xml';
import { restStream, testConnection } from '../rest';
import { type StarVendor, starNow, starStreamDef, starTestRequest } from '../star';
import type { Connector } from '../types';
import { type DealerSocketConfig, DealerSocketConfigSchema, dealersocketSpec } from './spec';

/** `Authentication: <publicKey>:<base64(HMAC-SHA256(secretKey, exact body))>` (header name as the client sends it). */
export function dealersocketAuth(publicKey: string, secretKey: string): Auth {
  redact(secretKey);
  return {
    apply(headers, _query, body) {
      headers.authentication = `${publicKey}:${createHmac('sha256', secretKey).update(body ?? '').digest('base64')}`;
    },
  };
}

export const DEALERSOCKET: StarVendor<DealerSocketConfig> = {
  namespace: 'http://www.starstandard.org/STAR/5',
  applicationArea: (config, t) => ({
    Sender: { CreatorNameCode: config.senderName, SenderNameCode: config.senderName, DealerNumberID: config.dealerId },
    Destination: { DealerNumberID: config.dealerId, DestinationNameCode: 'DS', ServiceMessageID: t.path.replace(/^\//, '') || t.name },
    CreationDateTime: starNow(),
  }),
  wrap: (document) => document,
  documentPath: '',
  contentType: 'application/xml',
  url: (config, t) => config.baseUrl + t.path,
  // A refused call may still be a 200: `<Response><Success>false</Success><Message>…</Message>`.
  fault: (t) => (status, body) => {
    if (typeof body !== 'string' || !/<Response[\s>]/.test(body)) return undefined;
    const r = parseXml(body, `dealersocket/${t.name}`).Response as Record<string, unknown> | undefined;
    if (!r || typeof r !== 'object' || textOf(r.Success) !== 'false') return undefined;
    const message = textOf(r.Message) || textOf(r.ErrorMessage) || 'no message';
    return new SourceError('vendor_failure', `Request failed: dealersocket/${t.name} answered Success=false (${message.slice(0, 200)})`, { status });
  },
};

/** DealerSocket through the STAR machinery: one signed request per data type. */
export const dealersocket: Connector<typeof DealerSocketConfigSchema> = {
  ...dealersocketSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: dealersocketAuth(config.username, config.secretKey) }),
  streams: (config) => config.dataTypes.map((t) => restStream(starStreamDef(DEALERSOCKET, t, config.lookbackMinutes * 60_000))),
  test: (ctx) => testConnection(ctx, starTestRequest(DEALERSOCKET, ctx.config, ctx.config.dataTypes[0])),
};
