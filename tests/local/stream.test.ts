import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynalite } from '../../shared/local/dynamo';
import { startLocalStream } from '../../shared/local/stream';
import { LocalQueues } from '../../shared/queue/local';
import { createDb, ensureTable } from '../../shared/store/db';

describe('local change stream: durable like DynamoDB Streams', () => {
  it('hands on, after a SIGKILL, the changes a dead process captured and had not handed on, once each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-stream-'));
    const dynamo = await startDynalite();
    const db = createDb({ endpoint: dynamo.endpoint, table: 'switchboard' });
    const file = join(dir, 'queues.db');
    try {
      await ensureTable(db.client, db.table);
      // The writer: its first hand-on hangs in flight, the second change waits behind it; killed once both writes returned.
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'stream-writer.ts'), dynamo.endpoint, file], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((r) => child.on('exit', r));
      let out = '';
      child.stderr!.on('data', (c) => (out += c));
      await new Promise<void>((done, fail) => {
        child.stdout!.on('data', (c) => {
          out += c;
          if (out.includes('dispatching') && out.includes('written')) done();
        });
        void exited.then(() => fail(new Error(`writer exited early: ${out}`)));
      });
      child.kill('SIGKILL');
      await exited;

      // The next process on the folder: recovers what was in flight, then hands everything on.
      const queues = new LocalQueues({ file, pollMs: 10 });
      const handed: string[] = [];
      const stream = startLocalStream(db, queues, async (keys) => handed.push(...keys.map((k) => `${k.PK}/${k.SK}`)));
      queues.recoverInFlight();
      queues.start();
      await stream.flush();
      await stream.stop();
      await queues.stop();
      expect(handed.sort()).toEqual(['REC#i1/leads#L1', 'REC#i1/leads#L2']);
    } finally {
      db.client.destroy();
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
