/**
 * Twilio status callbacks can arrive out of order (each is its own HTTP request), so a stored status must
 * only move forward. Statuses of the same rank are alternatives (delivered vs undelivered), not progress.
 * Messages: https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 * Calls: https://www.twilio.com/docs/voice/api/call-resource#call-status-values
 */
const MESSAGE_RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  receiving: 4,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  received: 5,
  read: 6,
};

const CALL_RANK: Record<string, number> = {
  queued: 2,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  answered: 4,
  completed: 5,
  busy: 5,
  failed: 5,
  'no-answer': 5,
  canceled: 5,
};

/** The rank of a status; 0 for an unknown one, so it never replaces a known status. */
export function twilioStatusRank(status: string | undefined, kind: 'message' | 'call' = 'message'): number {
  if (!status) return 0;
  const table = kind === 'call' ? CALL_RANK : MESSAGE_RANK;
  return table[status.toLowerCase()] ?? 0;
}

/** True when `next` should replace `current`: strictly later in the lifecycle. */
export function isTwilioStatusAdvance(
  current: string | undefined,
  next: string | undefined,
  kind: 'message' | 'call' = 'message',
): boolean {
  return twilioStatusRank(next, kind) > twilioStatusRank(current, kind);
}
