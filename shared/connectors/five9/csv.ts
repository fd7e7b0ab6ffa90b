import { MalformedPageError } from '../../errors';

/**
 * RFC 4180 CSV, as `getReportResultCsv` returns it: a header row, fields quoted when they hold a comma,
 * quote or line break, quotes doubled inside. Answers one object per data row keyed by the header.
 * @example parseCsv('A,B\r\n1,"x, ""y"""\r\n') // [{ A: '1', B: 'x, "y"' }]
 */
export function parseCsv(text: string): Record<string, string>[] {
  // A byte-order mark would otherwise become part of the first column's name.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  if (quoted) throw new MalformedPageError('report CSV ends inside a quoted field');
  if (field !== '' || row.length) rows.push([...row, field]);
  const [header, ...data] = rows.filter((r) => r.length > 1 || r[0] !== '');
  if (!header) return [];
  return data.map((r, n) => {
    if (r.length !== header.length) throw new MalformedPageError(`report CSV row ${n + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}
