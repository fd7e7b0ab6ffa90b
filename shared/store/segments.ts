/**
 * Boundaries that cut the sort keys between `lo` and `hi` (both inclusive) into about `n` ranges, for reading
 * one partition with several Queries at once (`SK BETWEEN b[i] AND b[i+1]`; a key equal to a boundary is read
 * twice, which a map keyed by id absorbs). They interpolate the first characters after the common prefix, so
 * ids of one shape (numbers, hex, ULIDs) split evenly; whatever the keys, the ranges cover [lo, hi] exactly,
 * since every boundary lies in it and they are in order. Boundaries are printable ASCII, so they compare the
 * same in JavaScript and in DynamoDB's UTF-8 byte order.
 */
export function splitKeyRange(lo: string, hi: string, n: number): string[] {
  let i = 0;
  while (i < lo.length && i < hi.length && lo[i] === hi[i]) i++;
  const prefix = lo.slice(0, i);
  const DIGITS = 3;
  const FIRST = 0x20;
  const BASE = 0x7f - FIRST;
  const value = (s: string) => {
    let v = 0;
    for (let d = 0; d < DIGITS; d++) v = v * BASE + Math.min(Math.max((s.charCodeAt(i + d) || FIRST) - FIRST, 0), BASE - 1);
    return v;
  };
  const [a, b] = [value(lo), value(hi)];
  const cuts = [lo];
  for (let k = 1; k < n; k++) {
    let v = Math.floor(a + ((b - a) * k) / n);
    let s = '';
    for (let d = 0; d < DIGITS; d++, v = Math.floor(v / BASE)) s = String.fromCharCode(FIRST + (v % BASE)) + s;
    const cut = prefix + s;
    if (cut > cuts[cuts.length - 1] && cut < hi) cuts.push(cut);
  }
  cuts.push(hi);
  return cuts;
}
