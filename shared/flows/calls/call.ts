import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CallsSettings, CallType } from './settings';

/** Why a call became no lead (counted per reason on the run). */
export type SkipReason = 'process_calls_false' | 'internal_call' | 'no_caller_number' | 'invalid_caller_number' | 'extension_not_configured' | 'outbound_call';

type Extension = CallsSettings['extensions'][number];

/** A call log record (as the RingCentral connector stores it) read for seed 004's processing. */
export interface Call {
  id: string;
  type: CallType;
  voicemail: boolean;
  /** What to attach: the recording of an accepted call, the voicemail of a missed one. */
  media?: { kind: 'recording'; contentUri: string; id: string } | { kind: 'voicemail'; messageUri: string; id: string };
  /** The caller's number in E.164: the lead's Phone and the search key. */
  number: string;
  name?: string;
  at: number;
  duration: number;
  extension: Extension;
  office?: string;
  timeZone: string;
}

export type Classified = { call: Call } | { skip: SkipReason } | { filtered: string };

export interface ClassifyOptions {
  office?: string;
  callTypes: CallType[];
  /** Default country of numbers written without one (the flow's `country`). */
  country: string;
  /** The flow's zone, when the office names none. */
  timeZone: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const digits = (v: string) => v.replace(/\D/g, '');

/**
 * Seed 004's call selection: inbound calls to a configured extension whose `process_calls` is on, from an
 * outside caller with a number. Calls of another office or call type than the run asked for are filtered
 * (not the run's business), every other call that becomes no lead is skipped with its reason.
 */
export function classify(data: Record<string, unknown>, settings: CallsSettings, opts: ClassifyOptions): Classified {
  const from = (data.from ?? {}) as Record<string, unknown>;
  const ext =
    settings.extensions.find((e) => data.extensionId != null && e.id === String(data.extensionId)) ??
    settings.extensions.find((e) => data.toExtensionNumber != null && e.number === String(data.toExtensionNumber));
  if (opts.office && ext?.office !== opts.office) return { filtered: 'office' };
  if (data.direction !== 'Inbound') return { skip: 'outbound_call' };
  if (!ext) return { skip: 'extension_not_configured' };
  const type: CallType = data.answered ? 'accepted' : 'missed';
  if (!opts.callTypes.includes(type)) return { filtered: 'call_type' };
  if (!ext.process_calls) return { skip: 'process_calls_false' };
  const raw = str(data.fromNumber) ?? str(from.phoneNumber);
  const internal = str(from.extensionNumber) !== undefined || from.extensionId != null || (raw !== undefined && settings.extensions.some((e) => digits(e.number) === digits(raw)));
  if (internal) return { skip: 'internal_call' };
  if (!raw) return { skip: 'no_caller_number' };
  const number = parsePhoneNumberFromString(raw, opts.country as CountryCode);
  if (!number?.isPossible()) return { skip: 'invalid_caller_number' };
  const voicemail = type === 'missed' && Boolean(data.hasVoicemail);
  const recording = str(data.recordingContentUri);
  const vm = str(data.voicemailUri);
  const media =
    type === 'accepted' && recording
      ? ({ kind: 'recording', contentUri: recording, id: String(data.recordingId ?? data.id) } as const)
      : voicemail && vm
        ? ({ kind: 'voicemail', messageUri: vm, id: String(data.voicemailMessageId ?? data.id) } as const)
        : undefined;
  const office = ext.office;
  return {
    call: {
      id: String(data.id),
      type,
      voicemail,
      media,
      number: number.number,
      name: str(data.fromName) ?? str(from.name),
      at: Date.parse(String(data.startTime)),
      duration: Number(data.duration ?? 0),
      extension: ext,
      office,
      timeZone: (office && settings.offices[office]?.timezone) || opts.timeZone,
    },
  };
}

/** "Ada King Lovelace" → Ada King / Lovelace; one word is the last name; none leaves the number as the last name. */
export function splitName(name: string | undefined, number: string): { First_Name?: string; Last_Name: string } {
  const words = (name ?? '').split(/\s+/).filter(Boolean);
  if (!words.length) return { Last_Name: number };
  if (words.length === 1) return { Last_Name: words[0] };
  return { First_Name: words.slice(0, -1).join(' '), Last_Name: words[words.length - 1] };
}

/** The status key of a call in `lead_status`. */
export const statusKey = (c: Call) => (c.type === 'accepted' ? 'accepted_call' : c.voicemail ? 'missed_call_with_voicemail' : 'missed_call');

/** The variables a field mapping reads for a call. */
export function variables(c: Call, settings: CallsSettings, ownerId: string | null): Record<string, unknown> {
  const names = splitName(c.name, c.number);
  return {
    caller_name: c.name ?? '',
    caller_number: c.number,
    caller_company: '',
    call_time: new Date(c.at).toISOString(),
    call_duration: c.duration,
    extension_name: c.extension.name,
    extension_number: c.extension.number,
    lead_owner_id: ownerId ?? '',
    call_type: statusKey(c),
    office: c.office ?? '',
    office_name: (c.office && settings.offices[c.office]?.name) || '',
    Phone: c.number,
    Mobile: '',
    Email: '',
    ...names,
    Full_Name: [names.First_Name, names.Last_Name].filter(Boolean).join(' '),
    Company: '',
  };
}

const TITLES = { accepted_call: 'Accepted call', missed_call: 'Missed call', missed_call_with_voicemail: 'Missed call with voicemail' };

/** The note every processed call adds to its lead: time, duration, extension, type (and what was attached). */
export function callNote(c: Call, settings: CallsSettings, media?: string): { title: string; body: string } {
  const when = new Intl.DateTimeFormat('en-CA', { timeZone: c.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(c.at).replace(',', '');
  const mins = Math.floor(c.duration / 60);
  const office = c.office && settings.offices[c.office]?.name;
  const title = `${TITLES[statusKey(c)]} from ${c.number}`;
  const lines = [
    `${TITLES[statusKey(c)]} on ${when} (${c.timeZone}), duration ${mins ? `${mins} min ` : ''}${c.duration % 60} s`,
    `Caller: ${c.name ? `${c.name}, ` : ''}${c.number}`,
    `Extension: ${c.extension.name} (${c.extension.number})${office ? `, ${office}` : ''}`,
    ...(media ? [media] : []),
    `RingCentral call id: ${c.id}`,
  ];
  return { title, body: lines.join('\n') };
}
