/**
 * The flow worker in its own process, for the crash test: it handles one flow message against the store at
 * the given endpoint and is killed by the test with SIGKILL part-way through.
 */
import { connectors } from '../../shared/connectors/all';
import { specs } from '../../shared/connectors/specs';
import { LocalKeyRing } from '../../shared/crypto/local-keyring';
import { Sealer } from '../../shared/crypto/sealer';
import { flowWorkerHandler } from '../../shared/flows/worker';
import { setLogSink } from '../../shared/log';
import { App } from '../../shared/services/app';
import { createDb } from '../../shared/store/db';

async function main() {
  setLogSink(() => undefined);
  process.env.ALLOW_LOOPBACK_TARGETS = 'true';
  const [endpoint, keyFile, msgJson] = process.argv.slice(2);
  const app = new App(createDb({ endpoint, table: 'switchboard' }), new Sealer(new LocalKeyRing(keyFile)), { send: async () => undefined }, specs, connectors);
  await flowWorkerHandler(() => app)({ Records: [{ messageId: 'm1', body: msgJson, attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0' }, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:local:0:flows' }] });
  process.stdout.write('done\n');
}
void main();
