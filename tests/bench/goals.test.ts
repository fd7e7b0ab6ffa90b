import { judge } from '../../bench/goals';

/** A result shaped as `npm run bench` prints it (the parts' fields the goals read). */
function result(over: Record<string, unknown> = {}) {
  return {
    rateLimit: { efficiency: 0.9995, recordsPerRequest: { hubspotWithAssociations: 98.4 } },
    pipeline: { ratio: 0.85 },
    resync: { itemsWritten: 0, speedup: 5.2 },
    cost: { firstSyncPerMillion: 0.633, resyncPerMillion: 0.0117 },
    scale: {
      tick: { due: 645, expectedDue: 645, enqueued: 645, enqueuedTwice: 0, missed: 0, seconds: 1.5 },
      workers: [1, 2, 4, 8].map((workers, i) => ({ workers, recordsPerSecond: [3818, 4290, 4217, 4357][i], allStoredOnce: true })),
    },
    flows: { efficiency: 1 },
    calls: { efficiency: 0.999, memory: { peakGrowthPerFileSize: 1.7, firstInProcess: { peakGrowthPerFileSize: 1.6 } } },
    bundles: { entries: { api: { bytes: 278 * 1024, initMs: 41 }, 'workers/hubspot': { bytes: 208 * 1024, initMs: 30 } } },
    totalSeconds: 300,
    quick: false,
    ...over,
  };
}

const failed = (r: ReturnType<typeof result>) => judge(r).filter((g) => !g.met).map((g) => g.figure);

describe('bench goals', () => {
  it('judges every figure the issue sets a goal for, all met here', () => {
    const goals = judge(result());
    expect(goals.map((g) => g.figure)).toEqual([
      'rateLimit.efficiency',
      'rateLimit.recordsPerRequest.hubspotWithAssociations',
      'pipeline.ratio',
      'resync.itemsWritten',
      'resync.speedup',
      'cost.firstSyncPerMillion',
      'cost.resyncPerMillion',
      'scale.tick',
      'scale.workers',
      'flows.efficiency',
      'calls.efficiency',
      'calls.memory.peakGrowthPerFileSize',
      'bundles.bytes',
      'bundles.initMs',
      'totalSeconds',
    ]);
    expect(failed(result())).toEqual([]);
  });

  it('names what misses its goal, and which functions', () => {
    const r = result({
      pipeline: { ratio: 0.771 },
      resync: { itemsWritten: 3, speedup: 4.9 },
      scale: { tick: { due: 645, expectedDue: 645, enqueued: 646, enqueuedTwice: 1, missed: 0, seconds: 1.5 }, workers: [{ workers: 1, recordsPerSecond: 4000, allStoredOnce: true }, { workers: 2, recordsPerSecond: 2000, allStoredOnce: true }] },
      calls: { efficiency: 0.56, memory: { peakGrowthPerFileSize: 1.7, firstInProcess: { peakGrowthPerFileSize: 2.6 } } },
      bundles: { entries: { flows: { bytes: 621 * 1024, initMs: 66.3 }, api: { bytes: 278 * 1024, initMs: 41 } } },
      totalSeconds: 361,
    });
    expect(failed(r)).toEqual(['pipeline.ratio', 'resync.itemsWritten', 'resync.speedup', 'scale.tick', 'scale.workers', 'calls.efficiency', 'calls.memory.peakGrowthPerFileSize', 'bundles.bytes', 'bundles.initMs', 'totalSeconds']);
    const bytes = judge(r).find((g) => g.figure === 'bundles.bytes')!;
    expect(bytes.value).toBe('1 of 2 ≤ 300 KB; over: flows 621 KB');
    expect(judge(r).find((g) => g.figure === 'bundles.initMs')!.value).toBe('1 of 2 ≤ 50 ms; over: flows 66.3 ms');
  });

  it('judges only the parts that ran, and the duration only of a whole, full run', () => {
    expect(judge({ bundles: result().bundles, quick: false, totalSeconds: 18 }).map((g) => g.figure)).toEqual(['bundles.bytes', 'bundles.initMs']);
    expect(judge(result({ quick: true, totalSeconds: 60 })).map((g) => g.figure)).not.toContain('totalSeconds');
  });
});
