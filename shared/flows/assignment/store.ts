import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { isConditionalCheckFailed } from '../../errors';
import type { Db, Item } from '../../store/db';
import { newestFirst } from '../../store/paging';
import type { Decision } from './rules';
import { pickSmooth, poolSignature, type Scores } from './smooth';

/**
 * Lead assignment state in the flow's partition (`FLOW#<flowId>`), all written with conditions:
 * - `ASSIGN#<pool>`: a pool's smooth round-robin scores and version. A turn reads it, picks, and writes it back
 *   only if the version is unchanged; a worker that lost the race reads again. So concurrent workers take
 *   turns one after another, exactly as one worker would: the distribution never skews.
 * - `ASSIGNKEY#<lead key>`: who the lead (a caller's number) went to. Claimed with attribute_not_exists before
 *   the pool turns, so one lead is never assigned twice, whatever runs or workers meet it; a claim left by a
 *   worker that died is taken over after CLAIM_TTL_MS.
 * - `ASSIGNLOG#<ulid>`: the assignment history, newest first; `ASSIGN_TOTALS`: ADD counters per owner.
 */
export interface Assignment {
  sourceId: string;
  targetId: string | null;
  ownerId: string | null;
  rule: string;
  at: string;
}

const CLAIM_TTL_MS = 60_000;
const pk = (flowId: string) => `FLOW#${flowId}`;

export class AssignmentStore {
  /** Lost conditional writes (pool turns retried), for tests and the bench. */
  conflicts = 0;

  constructor(
    private readonly db: Db,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The lead's owner: the one it already has, or a new assignment by `decision` (one pool turn at most). */
  async assign(flowId: string, leadKey: string, sourceId: string, decision: Decision, now = Date.now()): Promise<Assignment> {
    const key = { PK: pk(flowId), SK: `ASSIGNKEY#${leadKey}` };
    const token = ulid();
    // Claim first (one write when the lead is new, the usual case); read only when someone holds it.
    for (let attempt = 0; !(await this.put({ ...key, claim: token, claimedAt: now, sourceId })); attempt++) {
      const cur = await this.get(key);
      if (!cur) continue;
      if (cur.ownerId !== undefined) return { sourceId: cur.sourceId as string, targetId: (cur.targetId as string) ?? null, ownerId: cur.ownerId as string | null, rule: cur.rule as string, at: cur.at as string };
      if (now - Number(cur.claimedAt) > CLAIM_TTL_MS && (await this.put({ ...key, claim: token, claimedAt: now, sourceId }, { cond: 'claim = :c', values: { ':c': cur.claim } }))) break;
      if (attempt > 200) throw new Error(`lead ${leadKey} stays claimed by another worker`);
      await this.sleep(25);
    }
    const { ownerId, rule } = 'pool' in decision ? { ownerId: await this.turn(flowId, decision.pool, decision.candidates), rule: decision.rule } : decision;
    const at = new Date(now).toISOString();
    const log = `ASSIGNLOG#${ulid(now)}`;
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.table, Key: key, UpdateExpression: 'SET ownerId = :o, #r = :r, #a = :a, logSk = :l', ExpressionAttributeNames: { '#r': 'rule', '#a': 'at' }, ExpressionAttributeValues: { ':o': ownerId, ':r': rule, ':a': at, ':l': log } }));
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { PK: pk(flowId), SK: log, sourceId, targetId: null, ownerId, rule, at, leadKey } }));
    if (ownerId)
      await this.db.doc.send(
        new UpdateCommand({ TableName: this.db.table, Key: { PK: pk(flowId), SK: 'ASSIGN_TOTALS' }, UpdateExpression: 'ADD #o :one', ExpressionAttributeNames: { '#o': `o_${ownerId}` }, ExpressionAttributeValues: { ':one': 1 } }),
      );
    return { sourceId, targetId: null, ownerId, rule, at };
  }

  /** Records the target record the assigned lead became (shown in the history). */
  async setTarget(flowId: string, leadKey: string, targetId: string): Promise<void> {
    const cur = await this.get({ PK: pk(flowId), SK: `ASSIGNKEY#${leadKey}` });
    if (!cur?.logSk || cur.targetId === targetId) return;
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.table, Key: { PK: pk(flowId), SK: `ASSIGNKEY#${leadKey}` }, UpdateExpression: 'SET targetId = :t', ExpressionAttributeValues: { ':t': targetId } }));
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.table, Key: { PK: pk(flowId), SK: cur.logSk as string }, UpdateExpression: 'SET targetId = :t', ExpressionAttributeValues: { ':t': targetId } }));
  }

  /** One turn of a pool: read its scores, pick, write back on the version read; retried when another worker won. */
  private async turn(flowId: string, pool: string, candidates: Parameters<typeof pickSmooth>[0]): Promise<string> {
    const key = { PK: pk(flowId), SK: `ASSIGN#${pool}` };
    const sig = poolSignature(candidates);
    for (;;) {
      const cur = await this.get(key);
      const scores = cur?.sig === sig ? (cur.scores as Scores) : {};
      const { id, scores: next } = pickSmooth(candidates, scores);
      const version = Number(cur?.version ?? 0);
      if (await this.put({ ...key, scores: next, sig, version: version + 1 }, cur ? { cond: 'version = :v', values: { ':v': version } } : undefined)) return id;
      this.conflicts++;
    }
  }

  async list(flowId: string, limit: number, cursor?: string): Promise<{ items: Assignment[]; nextCursor: string | null }> {
    const page = await newestFirst(this.db, pk(flowId), 'ASSIGNLOG#', limit, cursor);
    return { items: page.items.map((i) => ({ sourceId: i.sourceId as string, targetId: (i.targetId as string) ?? null, ownerId: (i.ownerId as string) ?? null, rule: i.rule as string, at: i.at as string })), nextCursor: page.nextCursor };
  }

  async totals(flowId: string): Promise<Record<string, number>> {
    const item = await this.get({ PK: pk(flowId), SK: 'ASSIGN_TOTALS' });
    return Object.fromEntries(Object.entries(item ?? {}).filter(([k]) => k.startsWith('o_')).map(([k, v]) => [k.slice(2), Number(v)]));
  }

  private async get(key: { PK: string; SK: string }): Promise<Item | undefined> {
    return (await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: key, ConsistentRead: true }))).Item;
  }

  /** A put that succeeds only when the item is absent (no `when`) or `when.cond` holds; false when it lost. */
  private async put(item: Item, when?: { cond: string; values: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: item, ConditionExpression: when?.cond ?? 'attribute_not_exists(PK)', ExpressionAttributeValues: when?.values }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
