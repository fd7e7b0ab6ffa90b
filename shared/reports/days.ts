import type { ReportFlowInput } from './figures';

/** Days of the daily report, in the flow's zone (kept apart from the mail code: the hourly tick needs only these). */
export const zoneOf = (flow: Pick<ReportFlowInput, 'timeZone'>) => flow.timeZone ?? 'UTC';

/** yyyy-mm-dd of `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

export function dayBefore(day: string): string {
  return new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10);
}
