/**
 * A local process writing records through a store client with change capture, for the stream durability test:
 * its hand-on of the first change hangs (a dispatch in flight) and the test kills it with SIGKILL once both
 * writes have returned.
 */
import { startLocalStream } from '../../shared/local/stream';
import { LocalQueues } from '../../shared/queue/local';
import { createDb } from '../../shared/store/db';
import { PutCommand } from '../../shared/store/dynamo';

async function main() {
  const [endpoint, file] = process.argv.slice(2);
  const db = createDb({ endpoint, table: 'switchboard' });
  const queues = new LocalQueues({ file, pollMs: 10 });
  startLocalStream(db, queues, () => {
    process.stdout.write('dispatching\n');
    return new Promise(() => undefined);
  });
  queues.start();
  for (const id of ['L1', 'L2']) await db.doc.send(new PutCommand({ TableName: db.table, Item: { PK: 'REC#i1', SK: `leads#${id}` } }));
  process.stdout.write('written\n');
}
void main();
