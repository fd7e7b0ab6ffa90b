/**
 * Just enough A1 notation to read a sheet range in row windows.
 * https://developers.google.com/workspace/sheets/api/guides/concepts#cell
 */
export interface A1Range {
  sheet: string;
  /** Column letters, both or neither. */
  startCol?: string;
  endCol?: string;
  /** 1-based row of the header. */
  startRow: number;
  /** Last row to read, when the range is bounded. */
  endRow?: number;
}

/** Splits `'My Sheet'!A1:F` into the sheet name and the cell part; quotes inside a quoted name are doubled. */
function splitSheet(range: string): { sheet: string; cells: string } | undefined {
  if (range.startsWith("'")) {
    let i = 1;
    let name = '';
    for (; i < range.length; i++) {
      if (range[i] === "'") {
        if (range[i + 1] === "'") {
          name += "'";
          i++;
          continue;
        }
        break;
      }
      name += range[i];
    }
    if (i >= range.length) return undefined;
    const rest = range.slice(i + 1);
    if (rest === '') return { sheet: name, cells: '' };
    return rest.startsWith('!') ? { sheet: name, cells: rest.slice(1) } : undefined;
  }
  const bang = range.lastIndexOf('!');
  return bang < 0 ? { sheet: range, cells: '' } : { sheet: range.slice(0, bang), cells: range.slice(bang + 1) };
}

export function parseA1(range: string): A1Range | undefined {
  const parts = splitSheet(range.trim());
  if (!parts || !parts.sheet) return undefined;
  const { sheet, cells } = parts;
  if (cells === '') return { sheet, startRow: 1 };
  const m = /^([A-Za-z]{1,3})?(\d+)?(?::([A-Za-z]{1,3})?(\d+)?)?$/.exec(cells);
  if (!m || (!m[1] && !m[2])) return undefined;
  const [, c1, r1, c2, r2] = m;
  const single = !cells.includes(':');
  const startCol = c1?.toUpperCase();
  const endCol = single ? startCol : c2?.toUpperCase();
  if (!!startCol !== !!endCol) return undefined;
  const startRow = r1 ? Number(r1) : 1;
  const endRow = single ? (r1 ? startRow : undefined) : r2 ? Number(r2) : undefined;
  if (startRow < 1 || (endRow !== undefined && endRow < startRow)) return undefined;
  return { sheet, startCol, endCol, startRow, endRow };
}

/** Always quoted: valid for every sheet name. */
export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** The A1 range of rows `from..to` of the configured range. */
export function windowA1(r: A1Range, from: number, to: number): string {
  const cells = r.startCol ? `${r.startCol}${from}:${r.endCol}${to}` : `${from}:${to}`;
  return `${quoteSheet(r.sheet)}!${cells}`;
}

/** The last row of a range the API answered with (it clips requests to the sheet's grid). */
export function endRowOf(range: string): number | undefined {
  const cells = splitSheet(range)?.cells ?? '';
  const m = /(\d+)$/.exec(cells);
  return m ? Number(m[1]) : undefined;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** A → 0, AA → 26. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
