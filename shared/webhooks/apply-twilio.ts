import { PutCommand } from '../store/dynamo';
import { recordHash } from '../store/hash';
import { ConflictError, isConditionalCheckFailed } from '../errors';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { keys } from '../store/keys';
import type { StoredRecord } from '../store/record-item';
import { maxIso, toIso } from '../connectors/rest';
import { OptOutStore } from '../actions/opt-out';
import { UnappliableEventError } from './errors';
import type { StoredEvent } from '../store/webhooks';
import { type TwilioEvent, type TwilioParams, parseTwilioEvent, parseTwilioForm } from './twilio';
import { isTwilioStatusAdvance } from './twilio-status';

/**
 * Webhook fields → the REST resource's snake_case fields (Message / Call resources), so a record written by a
 * webhook has the shape a poll of `/2010-04-01/Accounts/{Sid}/Messages.json` would store.
 * https://www.twilio.com/docs/messaging/api/message-resource
 */
const MESSAGE_FIELDS: Record<string, string> = {
  AccountSid: 'account_sid', MessagingServiceSid: 'messaging_service_sid', From: 'from', To: 'to', Body: 'body',
  NumMedia: 'num_media', NumSegments: 'num_segments', ErrorCode: 'error_code', ErrorMessage: 'error_message', ApiVersion: 'api_version',
};
const CALL_FIELDS: Record<string, string> = {
  AccountSid: 'account_sid', From: 'from', To: 'to', Direction: 'direction', CallDuration: 'duration', ApiVersion: 'api_version',
  ParentCallSid: 'parent_call_sid', AnsweredBy: 'answered_by',
};

function toRest(ev: TwilioEvent): Record<string, unknown> {
  const fields = ev.kind === 'message' ? MESSAGE_FIELDS : CALL_FIELDS;
  const out: Record<string, unknown> = { sid: ev.sid };
  for (const [from, to] of Object.entries(fields)) {
    const v = (ev.data as Record<string, unknown>)[from];
    if (typeof v === 'string') out[to] = v;
  }
  if (ev.status) out.status = ev.status.toLowerCase();
  return out;
}

function paramsOf(stored: StoredEvent): TwilioParams {
  const e = stored.event as { variant: string; body?: string };
  if (e.variant === 'form') return parseTwilioForm(Buffer.from(e.body ?? '', 'utf8'));
  let json: unknown;
  try {
    json = JSON.parse(e.body ?? '');
  } catch {
    throw new UnappliableEventError('Twilio JSON webhook body is not JSON.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UnappliableEventError('Twilio JSON webhook body is not an object.');
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]));
}

/** When the status changed: a call callback's `Timestamp` (RFC 2822), else when we received the callback. */
function eventTime(ev: TwilioEvent, stored: StoredEvent): string {
  const ts = (ev.data as Record<string, unknown>).Timestamp;
  return (typeof ts === 'string' ? toIso(ts) : undefined) ?? stored.receivedAt;
}

/**
 * Upserts a message or call by SID. Callbacks arrive out of order, so the status only moves forward
 * (twilioStatusRank): a late `sent` after `delivered` only fills in fields we lacked. The write is conditional
 * on the copy we read (hash), so two callbacks applied at once cannot both win.
 */
export async function applyTwilioEvent(app: App, i: IntegrationItem, stored: StoredEvent): Promise<string | void> {
  let ev: TwilioEvent;
  try {
    ev = parseTwilioEvent(paramsOf(stored));
  } catch (err) {
    if (err instanceof UnappliableEventError) throw err;
    throw new UnappliableEventError('Twilio event is neither a message nor a call.');
  }
  const dataType = ev.kind === 'message' ? 'messages' : 'calls';
  const incoming = toRest(ev);
  // A STOP reply puts its sender on the account's opt-out list (SMS actions never text it); START takes it off.
  if (ev.kind === 'message') await new OptOutStore(app.db).applyInbound(i.id, incoming);
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await app.records.get(i.id, dataType, ev.sid);
    let data: Record<string, unknown>;
    let note: string | undefined;
    const advances = !cur || isTwilioStatusAdvance(cur.data.status as string | undefined, incoming.status as string | undefined, ev.kind);
    if (!cur) data = incoming;
    else if (advances) data = { ...cur.data, ...incoming };
    else {
      // Not newer: keep the stored status, only add fields we did not have.
      data = { ...incoming, ...cur.data };
      note = `status ${String(incoming.status)} is not newer than ${String(cur.data.status)}`;
    }
    const hash = recordHash(data, false);
    if (cur && cur.hash === hash) return note;
    const now = new Date().toISOString();
    const rec: StoredRecord = {
      integrationId: i.id, dataType, externalId: ev.sid, data, hash, syncStatus: 'synced',
      createdAt: cur?.createdAt ?? now, updatedAt: now, deleted: false,
      // A newer status is as new as the callback: a REST page read before it (an older date_updated) is then
      // stale and cannot move the status back. https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
      sourceUpdatedAt: advances ? maxIso(cur?.sourceUpdatedAt, eventTime(ev, stored)) : cur?.sourceUpdatedAt,
    };
    try {
      await app.db.doc.send(
        new PutCommand({
          TableName: app.db.table,
          Item: { ...keys.record(i.id, dataType, ev.sid), ...rec },
          ...(cur
            ? { ConditionExpression: '#h = :h', ExpressionAttributeNames: { '#h': 'hash' }, ExpressionAttributeValues: { ':h': cur.hash } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        }),
      );
      app.db.writes++;
      return note;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
  throw new ConflictError('Twilio record kept changing while applying the event; will retry', 'concurrent_update');
}
