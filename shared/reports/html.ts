import { chartSvg, CHART_SIZE, type Chart } from './charts';
import type { ReportFigures } from './figures';

/**
 * The report as HTML: one document for the web view (charts as inline SVG) and for mail (the same charts as
 * `cid:` images, because most mail clients show no SVG). Inline styles only: mail clients drop style sheets.
 */
export function reportHtml(f: ReportFigures, charts: Chart[], mode: 'web' | 'mail', officeNames: Record<string, string> = {}): string {
  const parts = [
    `<h1 style="font-size:20px;margin:0 0 4px">${esc(title(f))}</h1>`,
    `<p style="color:#666;margin:0 0 16px">${esc(period(f))}${f.dryRun ? ' · <strong>dry run</strong>: nothing was written' : ''}</p>`,
    f.failures.length ? `<p style="color:#b00020"><strong>${f.failures.length === 1 ? 'The run failed' : `${f.failures.length} runs failed`}:</strong> ${f.failures.slice(0, 5).map(esc).join('; ')}</p>` : '',
    section('Summary', table(['', ''], summaryRows(f))),
    f.calls?.byType ? section('Calls by type', table(['Type', 'Calls'], sorted(f.calls.byType).map(([k, n]) => [k.replace(/_/g, ' '), n]))) : '',
    f.calls?.byOffice ? section('Calls by office', table(['Office', 'Calls'], sorted(f.calls.byOffice).map(([k, n]) => [officeNames[k] ?? k, n]))) : '',
    f.calls && Object.keys(f.calls.skipped).length ? section('Skipped', table(['Reason', 'Calls'], sorted(f.calls.skipped).map(([k, n]) => [k.replace(/_/g, ' '), n]))) : '',
    f.errors.length
      ? section('Errors', table(['Code', 'Error', 'Count', 'What to do', 'Examples'], f.errors.map((e) => [e.code, e.message, e.count, e.solution, e.examples.map((x) => `${x.sourceId ? `${x.sourceId}: ` : ''}${x.reason}`).join('\n')])))
      : '',
    f.missingRequired.length ? section('Data quality', `<p>${f.missingRequired.map(esc).join('<br>')}</p>`) : '',
    charts.length ? section('Charts', charts.map((c) => `<div style="margin:0 0 12px">${mode === 'web' ? chartSvg(c) : `<img src="cid:${c.id}@switchboard" width="${CHART_SIZE.width}" height="${CHART_SIZE.height}" alt="${esc(c.title)}" style="display:block;max-width:100%;height:auto">`}</div>`).join('')) : '',
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title(f))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#333;max-width:760px;margin:16px auto;padding:0 12px">${parts.join('')}</body></html>`;
}

/** The plain-text part of the mail: the summary and the errors. */
export function reportText(f: ReportFigures): string {
  const lines = [title(f), period(f), '', ...summaryRows(f).map(([k, v]) => `${k}: ${v}`)];
  for (const e of f.errors) lines.push('', `${e.code} ${e.message} (${e.count}): ${e.solution}`);
  return lines.join('\n');
}

export function title(f: ReportFigures): string {
  return `${f.kind === 'daily' ? 'Daily report' : 'Run report'}: ${f.flowName}${f.dryRun ? ' (dry run)' : ''}`;
}

function period(f: ReportFigures): string {
  const span = f.from && f.to ? `${f.from.slice(0, 16).replace('T', ' ')} – ${f.to.slice(0, 16).replace('T', ' ')} UTC` : 'no runs';
  return f.kind === 'daily' ? `${f.subject} · ${f.runs} run${f.runs === 1 ? '' : 's'} · ${span}` : `Run ${f.subject} · ${span}`;
}

function summaryRows(f: ReportFigures): (string | number)[][] {
  const s = f.summary;
  const c = f.calls;
  const calls = c
    ? [
        ['Calls processed', c.processed],
        ['Leads created', c.leadsCreated],
        ['Leads updated', c.leadsUpdated],
        ['Notes added', c.notesAdded],
        ['Attachments added', c.attachmentsAdded],
        ['Calls skipped', Object.values(c.skipped).reduce((a, n) => a + n, 0)],
        ['Calls failed', c.failed],
      ]
    : [];
  return [
    ...calls,
    ['Records processed', s.records_processed],
    ['Successful transfers', s.successful_transfers],
    ['Failed transfers', s.failed_transfers],
    ['Duplicates skipped', s.duplicates_skipped],
    ...(c ? [] : [['Created', f.created], ['Updated', f.updated], ['Notes added', f.notes]]),
    ['Completeness', `${Math.round(f.completeness * 1000) / 10} %`],
    ['Duration', s.sync_duration],
  ];
}

const sorted = (m: Record<string, number>) => Object.entries(m).sort(([a], [b]) => a.localeCompare(b));

function section(name: string, body: string): string {
  return `<h2 style="font-size:16px;margin:20px 0 8px">${esc(name)}</h2>${body}`;
}

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number, tag: 'td' | 'th') =>
    `<${tag} style="text-align:${typeof v === 'number' ? 'right' : 'left'};padding:4px 10px 4px 0;border-bottom:1px solid #eee;vertical-align:top">${esc(String(v)).replace(/\n/g, '<br>')}</${tag}>`;
  const th = head.some(Boolean) ? `<tr>${head.map((h) => cell(h, 'th')).join('')}</tr>` : '';
  return `<table style="border-collapse:collapse;font-size:14px">${th}${rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('')}</table>`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
