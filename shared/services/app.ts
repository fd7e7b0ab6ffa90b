import { join } from 'node:path';
import { config } from '../config';
import type { Connector, ConnectorSpec } from '../connectors/types';
import { KmsKeyRing } from '../crypto/kms-keyring';
import { HttpLimits } from '../http/limits';
import { LocalKeyRing } from '../crypto/local-keyring';
import { Sealer } from '../crypto/sealer';
import { SqsSender } from '../queue/sqs';
import type { QueueSender } from '../queue/types';
import { AppError } from '../errors';
import { ActivityStore } from '../store/activity';
import { createDb, type Db } from '../store/db';
import { IntegrationStore } from '../store/integrations';
import { MetricStore } from '../store/metrics';
import { RecordStore } from '../store/records';
import { RunStore } from '../store/runs';
import { SeenStore } from '../store/seen';
import { StateStore } from '../store/state';
import { CursorSigner } from '../store/cursors';
import { TenantStore } from '../store/tenants';
import { WebhookStore } from '../store/webhooks';

/**
 * Everything a handler or the CLI needs, wired once per process. Lambdas build it at module scope;
 * the local stack and tests build it with their own store, queue and key ring.
 */
export class App {
  readonly tenants: TenantStore;
  readonly integrations: IntegrationStore;
  readonly runs: RunStore;
  readonly records: RecordStore;
  readonly state: StateStore;
  readonly seen: SeenStore;
  readonly metrics: MetricStore;
  readonly webhooks: WebhookStore;
  readonly activity: ActivityStore;
  readonly cursors: CursorSigner;
  /** The declarations this process reads: the whole catalog for the API, its own connector's alone for a worker. */
  readonly specs: Map<string, ConnectorSpec>;
  /** Rate limiters and circuit breakers every outbound client of this process shares. */
  readonly limits = new HttpLimits();
  private readonly connectors: Map<string, Connector>;

  constructor(
    readonly db: Db,
    readonly sealer: Sealer,
    readonly queue: QueueSender,
    specs: ConnectorSpec[],
    connectors: Connector[] = [],
    readonly publicBaseUrl = config().PUBLIC_BASE_URL,
  ) {
    this.tenants = new TenantStore(db);
    this.integrations = new IntegrationStore(db);
    this.runs = new RunStore(db);
    this.records = new RecordStore(db);
    this.state = new StateStore(db);
    this.seen = new SeenStore(db);
    this.metrics = new MetricStore(db);
    this.webhooks = new WebhookStore(db);
    this.activity = new ActivityStore(db);
    this.cursors = new CursorSigner(db);
    // A connector is its own spec: whatever code a process carries, it can read that type's declaration.
    this.specs = new Map([...specs, ...connectors].map((s) => [s.type, s]));
    this.connectors = new Map(connectors.map((c) => [c.type, c]));
  }

  /** The full connector (streams, test): only workers and the test-connection path carry these. */
  connector(type: string): Connector | undefined {
    return this.connectors.get(type);
  }
}

/** The deployed wiring: DynamoDB, KMS and SQS from the environment (local defaults when unset). */
export function appFromEnv(specs: ConnectorSpec[], connectors: Connector[] = []): App {
  const c = config();
  const ring = c.KMS_KEY_ID ? KmsKeyRing.fromEnv(c.KMS_KEY_ID) : new LocalKeyRing(join(c.SWITCHBOARD_DATA_DIR, 'keyring.key'));
  if (!c.QUEUE_URL_PREFIX) throw new AppError('config_error', 'QUEUE_URL_PREFIX is not set: the deployed stack needs its SQS queues');
  return new App(createDb(), new Sealer(ring), SqsSender.fromEnv(c.QUEUE_URL_PREFIX), specs, connectors);
}
