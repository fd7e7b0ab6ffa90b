import type { Connector } from '../connectors/types';
import type { Logger } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import type { RecordMeta } from '../store/record-item';
import type { Run } from '../store/runs';
import type { SeenIds } from '../store/seen';

export interface EngineOptions {
  /** Milliseconds left before the invocation must stop (Lambda's getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** Hand the run on to a fresh invocation when less than this is left. */
  safetyMarginMs: number;
  leaseTtlMs?: number;
  /** One worker invocation: the lease holder identity. */
  holder?: string;
  onProgress?: (run: Run) => void;
  log?: Logger;
  /** This is the queue's last delivery of the message: a transient error now fails the run instead of pausing it. */
  lastDelivery?: boolean;
  /** Shortens waits (tests, benchmarks); production waits for real. */
  sleep?: (ms: number) => Promise<void>;
}

/** One invocation's hold on a run: what every data type of it shares. */
export interface RunScope {
  app: App;
  integration: IntegrationItem;
  run: Run;
  connector: Connector;
  config: Record<string, unknown>;
  opts: EngineOptions;
  holder: string;
  leaseTtlMs: number;
  log: Logger;
  /** The run was found running without a hand-off: interrupted, its in-memory seen ids lost. */
  crashed: boolean;
  seen: SeenIds;
  /** Full runs: what was stored per data type when it started, kept current by the run's writes. */
  snapshots: Map<string, Map<string, RecordMeta>>;
  /** When a paused data type can be read again (the latest a transient error said), if it said. */
  retryAt?: number;
  /** Records left before `maxRecords`. */
  budget: number;
  saveSecrets(patch: Record<string, unknown>): Promise<void>;
  /** Saves the run's progress, at most once a second: readers see a live run without a write per page. */
  saveProgress(): Promise<void>;
}

