import { CALL_ERROR_CODES } from '../flows/calls/codes';
import type { FlowRun } from '../flows/store';

/** A calls run as seed 004's scripts printed it: calls by type and office, leads, notes, attachments, skips, errors with what to do. */
export function callsSummary(r: FlowRun): string[] {
  const c = r.calls;
  if (!c) return [];
  const list = (o: Record<string, number>) => Object.entries(o).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const codes = [...new Set(r.errors.map((e) => e.code).filter((x): x is keyof typeof CALL_ERROR_CODES => !!x && x in CALL_ERROR_CODES))];
  return [
    `  calls processed ${c.processed} (accepted ${c.byType.accepted}, missed ${c.byType.missed}, missed with voicemail ${c.byType.missed_with_voicemail}), failed ${c.failed}`,
    `  by office: ${list(c.byOffice)}`,
    `  leads created ${c.leadsCreated}, updated ${c.leadsUpdated}; notes added ${c.notesAdded}; attachments added ${c.attachmentsAdded}`,
    `  skipped: ${list(c.skipped)}`,
    ...r.errors.map((e) => `  ! ${e.code ?? 'ERROR'} call ${e.sourceId}: ${e.reason}`),
    ...codes.map((code) => `  ${code} ${CALL_ERROR_CODES[code].message}: ${CALL_ERROR_CODES[code].solution}`),
  ];
}
