import type { CallCounters } from '../../reports/figures';

/** The calls figures of a run, beside seed 003's summary: the report's counters, with the chart breakdowns always kept (`byHour` in office time). */
export interface CallsFigures extends CallCounters {
  byType: { accepted: number; missed: number; missed_with_voicemail: number };
  byOffice: Record<string, number>;
  byHour: number[];
}
export const emptyCalls = (): CallsFigures => ({ processed: 0, leadsCreated: 0, leadsUpdated: 0, notesAdded: 0, attachmentsAdded: 0, skipped: {}, failed: 0, byType: { accepted: 0, missed: 0, missed_with_voicemail: 0 }, byOffice: {}, byHour: Array(24).fill(0) });
