import { round } from './util';

/**
 * What a sync costs on AWS at on-demand prices (us-east-1): the capacity units the store reported for it and
 * the Lambda GB-seconds of the worker (its memory × the sync's duration on this machine, the stand-in for
 * the Lambda's; SQS's few messages per run are left out: $0.40 per million). Scaled to a million records.
 */
export const PRICES = { writeUnit: 0.625 / 1e6, readUnit: 0.125 / 1e6, gbSecond: 0.0000166667 };
/** The workers' memory (resources/lib.js DEFAULT_MEMORY_MB). */
export const WORKER_GB = 512 / 1024;

export interface Units {
  read: number;
  write: number;
}

export function perMillion(records: number, units: Units, seconds: number) {
  const scale = 1e6 / records;
  const store = (units.write * PRICES.writeUnit + units.read * PRICES.readUnit) * scale;
  const lambda = seconds * WORKER_GB * PRICES.gbSecond * scale;
  return {
    dollars: round(store + lambda, 4),
    store: round(store, 4),
    lambda: round(lambda, 4),
    writeUnitsPerRecord: round(units.write / records, 4),
    readUnitsPerRecord: round(units.read / records, 4),
  };
}

/** One write unit per started KB: a record item's size decides its write cost. */
export const writeUnitsFor = (itemBytes: number) => Math.ceil(itemBytes / 1024);

export function cost(p: { records: number; itemBytes: number; seconds: number; units: Units }, r: { seconds: number; units: Units }) {
  const first = perMillion(p.records, p.units, p.seconds);
  const resync = perMillion(p.records, r.units, r.seconds);
  // The same first sync with 3 KB items (a HubSpot contact with many custom properties): 3 units a record.
  const extra = (writeUnitsFor(3 * 1024) - writeUnitsFor(p.itemBytes)) * p.records;
  const contact3KB = perMillion(p.records, { read: p.units.read, write: p.units.write + extra }, p.seconds);
  return {
    prices: { writeRequestUnitPerMillion: 0.625, readRequestUnitPerMillion: 0.125, gbSecond: PRICES.gbSecond, workerMemoryGB: WORKER_GB },
    itemBytes: p.itemBytes,
    firstSyncPerMillion: first.dollars,
    resyncPerMillion: resync.dollars,
    firstSync: first,
    resync,
    hubspot3KBContact: { firstSyncPerMillion: contact3KB.dollars, writeUnitsPerRecord: contact3KB.writeUnitsPerRecord },
  };
}
