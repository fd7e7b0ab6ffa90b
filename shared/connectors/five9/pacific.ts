/**
 * Five9 reads and prints report times in Pacific time, DST included, whatever offset a request carries
 * (runReport, "Report times"). We send instants with the Pacific offset they have at that moment.
 */
// Built at first use: loading the time-zone data costs a cold start ≈ 12 ms, and a connection test never needs it.
let parts: Intl.DateTimeFormat | undefined;
const pacific = () =>
  (parts ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }));

/** Minutes Pacific time is ahead of UTC at `ms` (−420 in summer, −480 in winter). */
function offsetMinutes(ms: number): number {
  const p = Object.fromEntries(pacific().formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * An instant as `xs:dateTime` in Pacific time.
 * @example pacificDateTime(Date.parse('2024-05-01T07:00:00Z')) // '2024-05-01T00:00:00.000-07:00'
 */
export function pacificDateTime(ms: number): string {
  const off = offsetMinutes(ms);
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 23);
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
