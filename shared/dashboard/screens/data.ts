import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { download, enc, qs, type DataRecord, type Integration, type Page, type Template } from '../api';
import { dataTypesOf } from '../catalog';
import { ErrorBox, Loading, Pager, Time, useAction, useGet, usePages } from '../ui';

/** The synced records, a page at a time, filtered by data type, change time and deletion. */
export function DataBrowser({ i, template }: { i: Integration; template?: Template }) {
  const types = dataTypesOf(template, i.config);
  const [dataType, setDataType] = useState('');
  const [modifiedAfter, setModifiedAfter] = useState('');
  const [showDeleted, setShowDeleted] = useState(false);
  const pages = usePages();
  const [open, setOpen] = useState<DataRecord>();
  const cursor = pages.cursor;
  const path = `/api/integrations/${enc(i.id)}/data${qs({ dataType, limit: 25, cursor, modifiedAfter, includeDeleted: showDeleted ? 'true' : undefined })}`;
  const page = useGet<Page<'data', DataRecord>>(path);
  // Every record of the data type with the same filters, as a file (GET …/export).
  const save = useAction((format: 'csv' | 'ndjson') =>
    download(`/api/integrations/${enc(i.id)}/export${qs({ dataType, format, modifiedAfter, includeDeleted: showDeleted ? 'true' : undefined })}`, `${dataType}.${format}`),
  );
  // A new filter starts from the first page.
  const filter = (f: () => void) => {
    f();
    pages.reset();
    setOpen(undefined);
  };
  return html`
    <h2>Data</h2>
    <div class="filters">
      <label>Data type
        <select value=${dataType} onChange=${(e: Event) => filter(() => setDataType((e.target as HTMLSelectElement).value))}>
          <option value="">all</option>
          ${types.map((t) => html`<option value=${t}>${t}</option>`)}
        </select>
      </label>
      <label>Modified after
        <input type="date" value=${modifiedAfter} onChange=${(e: Event) => filter(() => setModifiedAfter((e.target as HTMLInputElement).value))} />
      </label>
      <label class="check"><input type="checkbox" checked=${showDeleted} onChange=${(e: Event) => filter(() => setShowDeleted((e.target as HTMLInputElement).checked))} /> Show deleted</label>
    </div>
    <div class="actions">
      <button type="button" class="secondary" disabled=${!dataType || save.pending} onClick=${() => save.run('csv')}>Download CSV</button>
      <button type="button" class="secondary" disabled=${!dataType || save.pending} onClick=${() => save.run('ndjson')}>Download NDJSON</button>
      ${dataType ? null : html`<span class="muted">Choose a data type to download all of its records.</span>`}
    </div>
    <${ErrorBox} error=${page.error || save.error} />
    ${!page.data && !page.error ? html`<${Loading} what="records" />` : null}
    ${page.data
      ? page.data.data.length === 0
        ? html`<p class="muted">No records${dataType ? ` of ${dataType}` : ''}${modifiedAfter ? ` modified after ${modifiedAfter}` : ''}.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>Record</th><th>Data type</th><th>Changed here</th><th>Changed at the source</th><th>Deleted</th></tr></thead>
          <tbody>${page.data.data.map((r) => html`<tr class=${open?.id === r.id ? 'selected' : ''}>
            <td><button type="button" class="link" aria-expanded=${open?.id === r.id} onClick=${() => setOpen(open?.id === r.id ? undefined : r)}>${r.externalId}</button></td>
            <td>${r.dataType}</td><td><${Time} iso=${r.updatedAt} /></td><td><${Time} iso=${r.sourceUpdatedAt} /></td><td>${r.deleted ? 'deleted' : ''}</td>
          </tr>`)}</tbody>
        </table></div>`
      : null}
    <${Pager} p=${pages} next=${page.data?.nextCursor} back="Previous page" more="Next page" />
    ${open ? html`<h3>Record ${open.externalId}</h3><pre aria-label=${`JSON of record ${open.externalId}`}>${JSON.stringify(open, null, 2)}</pre>` : null}`;
}
