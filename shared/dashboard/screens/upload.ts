import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ImportResult } from '../../bulk/schemas';
import { call, enc, qs, type Integration } from '../api';
import { ErrorBox, Link, num, useAction } from '../ui';

const TYPES: Record<string, string> = { csv: 'text/csv', ndjson: 'application/x-ndjson' };

/** A file integration's upload: preview (a dry run: the first rows and every row error), then import. */
export function Upload({ i, onDone }: { i: Integration; onDone(): void }) {
  const [file, setFile] = useState<File>();
  const [format, setFormat] = useState(String(i.config.format ?? 'csv'));
  const [result, setResult] = useState<ImportResult>();
  const send = useAction(async (dryRun: boolean) => {
    setResult(undefined);
    const path = `/api/integrations/${enc(i.id)}/import${qs({ format, dryRun: dryRun ? 'true' : undefined })}`;
    setResult((await call<ImportResult>('POST', path, { file: { body: file!, type: TYPES[format] } })).body);
    if (!dryRun) onDone();
  });
  const pick = (f: () => void) => {
    f();
    setResult(undefined);
    send.clear();
  };
  return html`
    <h2>Upload</h2>
    <p>Each row becomes a <code>${String(i.config.dataType)}</code> record keyed by its <code>${String(i.config.idColumn)}</code> column: new rows are
      added, changed rows updated, unchanged rows cost nothing. Preview first to see the rows as they would be stored and any rows refused.</p>
    <div class="filters">
      <label>File
        <input type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" onChange=${(e: Event) => pick(() => setFile((e.target as HTMLInputElement).files?.[0]))} />
      </label>
      <label>Format
        <select value=${format} onChange=${(e: Event) => pick(() => setFormat((e.target as HTMLSelectElement).value))}>
          <option value="csv">CSV</option>
          <option value="ndjson">NDJSON</option>
        </select>
      </label>
    </div>
    <div class="actions">
      <button type="button" class="secondary" disabled=${!file || send.pending} onClick=${() => send.run(true)}>Preview</button>
      <button type="button" disabled=${!file || send.pending} onClick=${() => send.run(false)}>Import</button>
    </div>
    ${send.pending ? html`<p aria-live="polite">Reading the file…</p>` : null}
    <${ErrorBox} error=${send.error} />
    ${result ? html`<${Report} r=${result} i=${i} />` : null}`;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function Report({ r, i }: { r: ImportResult; i: Integration }) {
  const s = r.stats;
  const columns = [...new Set((r.preview ?? []).flatMap((p) => Object.keys(p.data)))].slice(0, 8);
  const title = r.dryRun ? 'Preview: nothing imported yet' : r.status === 'succeeded' ? 'Imported' : 'Imported, some rows refused';
  return html`
    <div class=${s.failed ? 'error' : 'notice'} role="status">
      <strong>${title}</strong>
      <p>${num(s.processed)} rows: ${num(s.created)} new, ${num(s.updated)} changed, ${num(s.unchanged)} unchanged, ${num(s.failed)} refused.</p>
      ${r.runId ? html`<p><${Link} href=${`/integrations/${enc(i.id)}/runs/${enc(r.runId)}`}>See the import's run</${Link}></p>` : null}
    </div>
    ${r.preview?.length
      ? html`<h3>First rows</h3><div class="scroll"><table aria-label="First rows">
          <thead><tr><th>Row</th><th>Id</th>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
          <tbody>${r.preview.map((p) => html`<tr><td>${p.row}</td><td>${p.id}</td>${columns.map((c) => html`<td>${text(p.data[c])}</td>`)}</tr>`)}</tbody>
        </table></div>`
      : null}
    ${r.errors.length
      ? html`<h3>Rows refused</h3><div class="scroll"><table aria-label="Rows refused">
          <thead><tr><th>Row</th><th>Id</th><th>Reason</th></tr></thead>
          <tbody>${r.errors.map((e) => html`<tr><td>${e.row}</td><td>${e.id ?? ''}</td><td>${e.reason}</td></tr>`)}</tbody>
        </table></div>
        ${s.failed > r.errors.length ? html`<p class="muted">The first ${r.errors.length} of ${num(s.failed)} are listed.</p>` : null}`
      : null}`;
}
