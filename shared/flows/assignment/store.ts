import { GetCommand, PutCommand, UpdateCommand } from '../../store/dynamo';
import { monotonicFactory, ulid } from 'ulid';
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

/** One lead to own: its key (the caller's number), the call that met it, and what the rules decided. */
export interface LeadRequest {
  leadKey: string;
  sourceId: string;
  decision: Decision;
}

/** An assignment as stored: with its lead key and history entry, so the target can be set without reading it. */
type Stored = Assignment & { leadKey: string; logSk: string };

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
    return (await this.assignMany(flowId, [{ leadKey, sourceId, decision }], now)).get(leadKey)!;
  }

  /**
   * Owners for a page of leads at once, in the given order: each lead claimed (a lead someone already holds
   * keeps its owner), then one conditional write per pool takes all of its turns, and the assignments and
   * their history go out in batches. A page of new leads costs a claim each plus a few requests, where one
   * lead at a time cost six writes in a row.
   */
  async assignMany(flowId: string, leads: LeadRequest[], now = Date.now()): Promise<Map<string, Assignment>> {
    const out = new Map<string, Assignment>();
    const unique = [...new Map(leads.map((l) => [l.leadKey, l])).values()];
    const held = await Promise.all(unique.map((l) => this.claim(flowId, l, now)));
    held.forEach((a, i) => a && out.set(unique[i].leadKey, a));
    const mine = unique.filter((_, i) => !held[i]);
    const pools = new Map<string, LeadRequest[]>();
    for (const l of mine) if ('pool' in l.decision) pools.set(l.decision.pool, [...(pools.get(l.decision.pool) ?? []), l]);
    const owner = new Map<string, string | null>();
    for (const [pool, ls] of pools) {
      const ids = await this.turns(flowId, pool, (ls[0].decision as Extract<Decision, { pool: string }>).candidates, ls.length);
      ls.forEach((l, i) => owner.set(l.leadKey, ids[i]));
    }
    const at = new Date(now).toISOString();
    const log = monotonicFactory();
    const made = mine.map((l): Stored => ({ leadKey: l.leadKey, sourceId: l.sourceId, targetId: null, ownerId: 'pool' in l.decision ? owner.get(l.leadKey)! : l.decision.ownerId, rule: l.decision.rule, at, logSk: `ASSIGNLOG#${log(now)}` }));
    // The claim is ours: the whole item replaces it (ownerId set ends the claim), beside its history entry.
    await this.db.batchWrite(made.flatMap((a) => this.items(flowId, a)));
    const counts = new Map<string, number>();
    for (const a of made) if (a.ownerId) counts.set(a.ownerId, (counts.get(a.ownerId) ?? 0) + 1);
    if (counts.size) {
      const owners = [...counts];
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: { PK: pk(flowId), SK: 'ASSIGN_TOTALS' },
          UpdateExpression: `ADD ${owners.map((_, i) => `#o${i} :n${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(owners.map(([id], i) => [`#o${i}`, `o_${id}`])),
          ExpressionAttributeValues: Object.fromEntries(owners.map(([, n], i) => [`:n${i}`, n])),
        }),
      );
    }
    for (const a of made) out.set(a.leadKey, a);
    return out;
  }

  /** Records the target records the assigned leads became (shown in the history): both items rewritten in batches. */
  async setTargets(flowId: string, targets: { assignment: Assignment; targetId: string }[]): Promise<void> {
    const items = targets.filter((t) => (t.assignment as Stored).logSk && t.assignment.targetId !== t.targetId).flatMap((t) => this.items(flowId, { ...(t.assignment as Stored), targetId: t.targetId }));
    await this.db.batchWrite(items);
  }

  /** The lead's key item and its history entry. */
  private items(flowId: string, a: Stored): Item[] {
    const { leadKey, logSk, ...rest } = a;
    return [
      { PK: pk(flowId), SK: `ASSIGNKEY#${leadKey}`, ...rest, logSk },
      { PK: pk(flowId), SK: logSk, ...rest, leadKey },
    ];
  }

  /** Claims a new lead (one write, the usual case): undefined when the claim is ours, else the owner it already has. */
  private async claim(flowId: string, l: LeadRequest, now: number): Promise<Assignment | undefined> {
    const key = { PK: pk(flowId), SK: `ASSIGNKEY#${l.leadKey}` };
    const token = ulid();
    for (let attempt = 0; !(await this.put({ ...key, claim: token, claimedAt: now, sourceId: l.sourceId })); attempt++) {
      const cur = await this.get(key);
      if (!cur) continue;
      if (cur.ownerId !== undefined) return { leadKey: l.leadKey, sourceId: cur.sourceId as string, targetId: (cur.targetId as string) ?? null, ownerId: cur.ownerId as string | null, rule: cur.rule as string, at: cur.at as string, logSk: cur.logSk as string } as Stored;
      if (now - Number(cur.claimedAt) > CLAIM_TTL_MS && (await this.put({ ...key, claim: token, claimedAt: now, sourceId: l.sourceId }, { cond: 'claim = :c', values: { ':c': cur.claim } }))) return undefined;
      if (attempt > 200) throw new Error(`lead ${l.leadKey} stays claimed by another worker`);
      await this.sleep(25);
    }
    return undefined;
  }

  /** `n` turns of a pool: read its scores, pick n times, write back on the version read; all retried when another worker won. */
  private async turns(flowId: string, pool: string, candidates: Parameters<typeof pickSmooth>[0], n: number): Promise<string[]> {
    const key = { PK: pk(flowId), SK: `ASSIGN#${pool}` };
    const sig = poolSignature(candidates);
    for (;;) {
      const cur = await this.get(key);
      let scores = cur?.sig === sig ? (cur.scores as Scores) : {};
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const pick = pickSmooth(candidates, scores);
        ids.push(pick.id);
        scores = pick.scores;
      }
      const version = Number(cur?.version ?? 0);
      if (await this.put({ ...key, scores, sig, version: version + 1 }, cur ? { cond: 'version = :v', values: { ':v': version } } : undefined)) return ids;
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
