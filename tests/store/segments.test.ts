import { splitKeyRange } from '../../shared/store/segments';

const covered = (keys: string[], cuts: string[]) =>
  keys.every((k) => cuts.slice(1).some((hi, j) => k >= cuts[j] && k <= hi));

describe('Function: splitKeyRange', () => {
  it('splits numeric ids evenly and covers every key between the first and the last', () => {
    const keys = Array.from({ length: 10_000 }, (_, j) => `contacts#${100_000 + j * 37}`).sort();
    const cuts = splitKeyRange(keys[0], keys[keys.length - 1], 4);
    expect(cuts).toHaveLength(5);
    expect(covered(keys, cuts)).toBe(true);
    const sizes = cuts.slice(1).map((hi, j) => keys.filter((k) => k >= cuts[j] && k <= hi).length);
    for (const n of sizes) expect(n).toBeGreaterThan(1500);
  });

  it('covers any keys, whatever their characters, lengths or how few there are', () => {
    const sets = [
      ['t#a', 't#a'],
      ['t#a', 't#b'],
      ['t#1', 't#10', 't#2', 't#9999'],
      ['t#\u0001x', 't#é', 't#ü', 't#\u{1F600}', 't#~~~~'],
      ['t#0001', 't#0001a', 't#0001b', 't#0002'],
    ];
    for (const raw of sets) {
      const keys = [...raw].sort();
      const cuts = splitKeyRange(keys[0], keys[keys.length - 1], 4);
      expect(cuts[0]).toBe(keys[0]);
      expect(cuts[cuts.length - 1]).toBe(keys[keys.length - 1]);
      expect([...cuts].sort()).toEqual(cuts);
      expect(covered(keys, cuts)).toBe(true);
    }
  });
});
