import { SourceError } from '../errors';
import { quietUntil } from './quiet-hours';
import type { SmsActionSchema } from './schema';
import { type ActionSender, failure, str } from './types';
import type * as z from 'zod';

type SmsAction = z.infer<typeof SmsActionSchema>;

/** Twilio's "Attempt to send to unsubscribed recipient": the number replied STOP to this sender. https://www.twilio.com/docs/api/errors/21610 */
const UNSUBSCRIBED = 21610;

/**
 * A text through Twilio's Messages API (`POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded To, From or
 * MessagingServiceSid, Body → 201 with the message's SID), with the `twilio` integration's credentials and client.
 * Never to a number on the opt-out list (a STOP reply, a 21610 refusal, the action's own list); in quiet hours
 * deferred to the window's end or skipped. https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
export const smsSender: ActionSender<SmsAction> = {
  type: 'sms',
  async send(ctx, action, f) {
    const to = str(f.to)?.trim();
    if (!to) return { status: 'skipped', reason: 'no number to text (to is empty)' };
    if (action.optOut.includes(to) || (await ctx.optOuts.has(ctx.integrationId, to))) return { status: 'skipped', reason: `${to} opted out (replied STOP or listed in optOut)` };
    const q = action.quietHours;
    const until = q && quietUntil(ctx.now(), q);
    if (q && until) {
      const why = `quiet hours (${q.start}–${q.end} ${q.timeZone})`;
      return q.then === 'skip' ? { status: 'skipped', reason: why } : { status: 'deferred', until, reason: `${why}: sent at ${new Date(until).toISOString()}` };
    }
    const form = new URLSearchParams({ To: to, Body: str(f.body) ?? '' });
    if (action.messagingServiceSid) form.set('MessagingServiceSid', action.messagingServiceSid);
    else form.set('From', str(f.from) ?? '');
    const sid = encodeURIComponent(String(ctx.config.accountSid));
    try {
      const res = await ctx.http.request<{ sid?: string }>({
        method: 'POST',
        url: `/2010-04-01/Accounts/${sid}/Messages.json`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        stream: 'sms',
        fault: (status, body) =>
          status === 400 && (body as { code?: unknown } | null)?.code === UNSUBSCRIBED ? new SourceError('sms_unsubscribed', `Twilio ${UNSUBSCRIBED}: ${to} unsubscribed (replied STOP)`, { status }) : undefined,
      });
      return { status: 'sent', id: res.body?.sid };
    } catch (err) {
      if (err instanceof SourceError && err.code === 'sms_unsubscribed') {
        await ctx.optOuts.add(ctx.integrationId, to, 'twilio_21610');
        return { status: 'skipped', reason: err.message };
      }
      return failure(err);
    }
  },
};
