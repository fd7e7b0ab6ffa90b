import type { QuietHours } from './schema';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The wall-clock minute of the day (0–1439) at `ms` in `timeZone`. */
function localMinute(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * When the quiet window that `ms` falls in ends (epoch ms, on a whole minute), or undefined outside it. A window
 * may wrap midnight (21:00–08:00); start = end means no window. The end is found by wall-clock minutes, so on a
 * night the clocks change it can be an hour off.
 * @example quietUntil(Date.parse('2026-12-03T03:00:00Z'), { start: '21:00', end: '08:00', timeZone: 'America/New_York', then: 'defer' })
 *   // 22:00 in New York: → 2026-12-03T13:00:00Z (08:00 there)
 */
export function quietUntil(ms: number, q: QuietHours): number | undefined {
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return undefined;
  const now = localMinute(ms, q.timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const ahead = (end - now + 1440) % 1440;
  const minuteStart = ms - (ms % 60_000);
  return minuteStart + ahead * 60_000;
}
