/** A clock that moves only when the code under test sleeps: waits are asserted, never spent. */
export function fakeClock(start = Date.parse('2026-12-03T00:00:00Z')) {
  let t = start;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}
