/**
 * Smooth weighted round-robin (the nginx upstream algorithm): each pick adds every candidate's weight to its
 * running score, takes the highest and subtracts the total from it. Over any `sum(weights)` consecutive picks
 * each candidate gets exactly its share, interleaved rather than in runs (weights 2 : 1.5 → A B A B A B A), and
 * the sequence does not depend on the weights' scale.
 */
export interface Weighted {
  id: string;
  weight: number;
}

/** Running scores per candidate id (what is stored between picks). */
export type Scores = Record<string, number>;

/** Weights as integers (thousandths), so repeated additions never drift. */
const units = (w: number) => Math.max(1, Math.round(w * 1000));

/** The next pick and the scores after it; `scores` is not changed. Candidates keep their given order on ties. */
export function pickSmooth(candidates: Weighted[], scores: Scores): { id: string; scores: Scores } {
  if (!candidates.length) throw new Error('pickSmooth needs at least one candidate');
  const next: Scores = {};
  let total = 0;
  let best: string | undefined;
  for (const c of candidates) {
    const w = units(c.weight);
    total += w;
    next[c.id] = (scores[c.id] ?? 0) + w;
    if (best === undefined || next[c.id] > next[best]) best = c.id;
  }
  next[best!] -= total;
  return { id: best!, scores: next };
}

/** Identifies a pool's membership and weights: scores of another pool shape start again from zero. */
export const poolSignature = (candidates: Weighted[]) => candidates.map((c) => `${c.id}:${units(c.weight)}`).join(',');
