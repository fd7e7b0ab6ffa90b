import { randomBytes, randomUUID } from 'node:crypto';
import { BadJsonError } from '../../shared/errors';
import { cdkEventKey, parseCdkEvent, verifyCdk } from '../../shared/webhooks';

describe('Function: verifyCdk', () => {
  const authorization = `Bearer ${randomBytes(24).toString('base64url')}`;
  const eventId = randomUUID();

  it('accepts the configured Authorization value with a uuid event id, headers in any case', () => {
    const r = verifyCdk({
      headers: { Authorization: authorization, 'Fortellis-Event-Id': eventId, 'X-Request-Id': 'req-1', 'Data-Owner-Id': 'dealer-9' },
      authorization,
    });
    expect(r).toEqual({ ok: true, eventId, requestId: 'req-1', dataOwnerId: 'dealer-9' });
  });

  it('rejects another value of any length, and a missing header', () => {
    for (const wrong of [authorization + 'x', authorization.slice(0, -1) + '!', 'Bearer a', '']) {
      const r = verifyCdk({ headers: { authorization: wrong, 'fortellis-event-id': eventId }, authorization });
      expect(r.ok).toBe(false);
    }
    expect(verifyCdk({ headers: { 'fortellis-event-id': eventId }, authorization })).toEqual({ ok: false, reason: 'missing_authorization' });
    // An unconfigured sink accepts nothing, not even an empty header.
    expect(verifyCdk({ headers: { authorization: ' ', 'fortellis-event-id': eventId }, authorization: '' }).ok).toBe(false);
  });

  it('requires a uuid Fortellis-Event-Id', () => {
    expect(verifyCdk({ headers: { authorization }, authorization })).toEqual({ ok: false, reason: 'missing_event_id' });
    expect(verifyCdk({ headers: { authorization, 'fortellis-event-id': 'evt-1' }, authorization })).toEqual({ ok: false, reason: 'bad_event_id' });
  });

  it('keys events on the event id, case-insensitively', () => {
    expect(cdkEventKey(eventId.toUpperCase())).toBe(cdkEventKey(eventId));
    expect(cdkEventKey(randomUUID())).not.toBe(cdkEventKey(eventId));
  });
});

describe('Function: parseCdkEvent', () => {
  const parse = (v: unknown) => parseCdkEvent(Buffer.from(JSON.stringify(v)));

  it('detects the seed event types however they are spelled', () => {
    expect(parse({ eventType: 'customer.created', customer: { id: 'C1' } }).type).toBe('customer.created');
    expect(parse({ event_type: 'CUSTOMER_UPDATED', customerId: 'C2' }).type).toBe('customer.updated');
    expect(parse({ data: { type: 'AppointmentScheduled', appointmentId: 'A1' } }).type).toBe('appointment.scheduled');
    const unknown = parse({ eventType: 'vehicle.sold', id: 'V1' });
    expect(unknown.type).toBeNull();
    expect(unknown.rawType).toBe('vehicle.sold');
  });

  it('finds the record id and the change time, preferring the record over the envelope id', () => {
    const e = parse({ id: 'evt-77', eventType: 'customer.updated', occurredAt: '2024-05-01T10:00:00Z', data: { customer: { id: 'C9', name: 'A' } } });
    expect(e.recordId).toBe('C9');
    expect(e.occurredAt).toBe('2024-05-01T10:00:00.000Z');
    const a = parse({ type: 'appointment.scheduled', appointment: { appointmentId: 123, scheduledAt: 'x' }, timestamp: 1714557600000 });
    expect(a.recordId).toBe('123');
    expect(a.occurredAt).toBe('2024-05-01T10:00:00.000Z');
    expect(parse({ eventType: 'customer.created', data: { id: 'C3' } }).recordId).toBe('C3');
  });

  it('passes the payload through and rejects non-JSON', () => {
    const body = { eventType: 'customer.created', customer: { id: 'C1', extra: [1, 2] }, dealer: 'D' };
    expect(parse(body).payload).toEqual(body);
    expect(parse([1, 2]).type).toBeNull();
    expect(() => parseCdkEvent(Buffer.from('<xml/>'))).toThrow(BadJsonError);
  });
});
