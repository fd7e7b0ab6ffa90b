/**
 * A worker in its own process, for the crash test: it runs one sync run against the store at
 * DYNAMO_ENDPOINT and is killed by the test with SIGKILL part-way through.
 */
import { connectors } from '../../shared/connectors/all';
import { LocalKeyRing } from '../../shared/crypto/local-keyring';
import { Sealer } from '../../shared/crypto/sealer';
import { executeRun } from '../../shared/engine/engine';
import { setLogSink } from '../../shared/log';
import { App } from '../../shared/services/app';
import { specs } from '../../shared/connectors/specs';
import { createDb } from '../../shared/store/db';

async function main() {
  setLogSink(() => undefined);
  const [endpoint, keyFile, msgJson] = process.argv.slice(2);
  const db = createDb({ endpoint, table: 'switchboard' });
  const app = new App(db, new Sealer(new LocalKeyRing(keyFile)), { send: async () => undefined }, specs, connectors);
  let pages = 0;
  await executeRun(app, JSON.parse(msgJson), {
    remainingMs: () => Infinity,
    safetyMarginMs: 0,
    holder: 'child',
    leaseTtlMs: 1500,
    onProgress: () => process.stdout.write(`page ${++pages}\n`),
  });
  process.stdout.write('done\n');
}
void main();
