import Database from 'better-sqlite3';

/** A message as the queue keeps it: SQS's receive count and visibility, and whether it was dead-lettered. */
export interface Envelope {
  id: string;
  queue: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

interface Row {
  id: string;
  queue: string;
  body: string;
  receive_count: number;
  visible_at: number;
  sent_at: number;
}

const toEnvelope = (r: Row): Envelope => ({ id: r.id, queue: r.queue, body: r.body, receiveCount: r.receive_count, visibleAt: r.visible_at, sentAt: r.sent_at });

/**
 * Where the local queues keep their messages: one SQLite file in the data folder (in memory for tests). Every
 * send, receive and delete is committed before it returns, so what the stack acknowledged (a webhook's 202, a
 * sync's runId) outlives a crash. WAL with `synchronous = NORMAL`: a commit reaches the OS before returning
 * (a killed process loses nothing), without an fsync per message. Several processes may open the file (the CLI
 * next to a running stack): SQLite serialises their writes.
 */
export class QueueJournal {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(file = ':memory:') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body TEXT NOT NULL,
      receive_count INTEGER NOT NULL DEFAULT 0, visible_at INTEGER NOT NULL DEFAULT 0, sent_at INTEGER NOT NULL,
      dead INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, dead, visible_at)`);
    const cols = 'id, queue, body, receive_count, visible_at, sent_at';
    this.stmts = {
      insert: this.db.prepare('INSERT INTO messages (id, queue, body, sent_at, visible_at) VALUES (?, ?, ?, ?, ?)'),
      killSpent: this.db.prepare('UPDATE messages SET dead = 1 WHERE queue = ? AND dead = 0 AND visible_at <= ? AND receive_count >= ?'),
      ready: this.db.prepare(`SELECT ${cols} FROM messages WHERE queue = ? AND dead = 0 AND visible_at <= ? ORDER BY seq LIMIT ?`),
      take: this.db.prepare('UPDATE messages SET receive_count = receive_count + 1, visible_at = ? WHERE id = ?'),
      delete: this.db.prepare('DELETE FROM messages WHERE id = ?'),
      release: this.db.prepare('UPDATE messages SET visible_at = ? WHERE id = ? AND dead = 0'),
      list: this.db.prepare(`SELECT ${cols} FROM messages WHERE queue = ? AND dead = ? ORDER BY seq`),
      pending: this.db.prepare('SELECT 1 FROM messages WHERE queue = ? AND dead = 0 AND visible_at <= ? LIMIT 1'),
      inFlight: this.db.prepare(`SELECT ${cols} FROM messages WHERE dead = 0 AND visible_at > ? AND receive_count > 0 ORDER BY seq`),
    };
  }

  send(queue: string, id: string, body: string, now: number, delayMs = 0): void {
    this.stmts.insert.run(id, queue, body, now, delayMs > 0 ? now + delayMs : 0);
  }

  /**
   * Up to `max` visible messages, each counted as received and hidden for `visibilityMs`. A message already
   * received `maxReceives` times is dead-lettered instead (SQS's redrive policy, checked at the next receive).
   */
  receive(queue: string, max: number, maxReceives: number, visibilityMs: number, now: number): Envelope[] {
    return this.db.transaction(() => {
      this.stmts.killSpent.run(queue, now, maxReceives);
      const rows = (this.stmts.ready.all(queue, now, max) as Row[]).map(toEnvelope);
      for (const m of rows) {
        m.receiveCount++;
        m.visibleAt = now + visibilityMs;
        this.stmts.take.run(m.visibleAt, m.id);
      }
      return rows;
    })();
  }

  delete(id: string): void {
    this.stmts.delete.run(id);
  }

  release(id: string, visibleAt: number): void {
    this.stmts.release.run(visibleAt, id);
  }

  list(queue: string, dead: boolean): Envelope[] {
    return (this.stmts.list.all(queue, dead ? 1 : 0) as Row[]).map(toEnvelope);
  }

  hasVisible(queue: string, now: number): boolean {
    return this.stmts.pending.get(queue, now) !== undefined;
  }

  /**
   * What was received and not yet deleted when the process that received it died: visible again now, receive
   * count kept (a message that keeps killing its worker still ends in the dead-letter list). Only the consuming
   * stack calls this, at start, when no other consumer of the folder can be alive.
   */
  redeliverInFlight(now: number): Envelope[] {
    return this.db.transaction(() => {
      const rows = (this.stmts.inFlight.all(now) as Row[]).map(toEnvelope);
      for (const m of rows) this.stmts.release.run(now, m.id);
      return rows;
    })();
  }

  close(): void {
    this.db.close();
  }
}
