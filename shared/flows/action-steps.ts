import { UpdateCommand } from '../store/dynamo';
import { isConditionalCheckFailed } from '../errors';
import type { Db } from '../store/db';
import type { ActionStep } from '../actions/types';
import { flowKeys } from './store';

/** Whether a run should attempt the step now (given what the ledger says). */
export function stepDue(step: ActionStep | undefined, now: number): boolean {
  if (!step) return true;
  if (step.status === 'failed') return step.retryable === true;
  if (step.status === 'deferred') return Date.parse(step.until ?? '') <= now;
  return false;
}

export type { ActionStep };

/** Conditional writes of action steps into ledger entries (`LEDGER#<flowId>` / `<sourceId>`). */
export class ActionStepStore {
  constructor(
    private readonly db: Db,
    private readonly flowId: string,
  ) {}

  /**
   * Takes the step for this worker: written `sending` only if it is still as `prev` left it (absent, or the
   * same `at`), so two workers of one record never both send. False when another got there first.
   */
  async claim(sourceId: string, name: string, prev: ActionStep | undefined, hasMap: boolean, at: string): Promise<boolean> {
    if (!hasMap && !(await this.update(sourceId, 'SET actions = if_not_exists(actions, :empty)', { ':empty': {} }, {}, 'attribute_exists(PK)'))) return false;
    const step: ActionStep = { status: 'sending', at, attempts: (prev?.attempts ?? 0) + 1 };
    return this.update(
      sourceId,
      'SET actions.#n = :step, updatedAt = :at',
      { ':step': step, ':at': at, ...(prev ? { ':prev': prev.at } : {}) },
      { '#n': name, ...(prev ? { '#at': 'at' } : {}) },
      prev ? 'actions.#n.#at = :prev' : 'attribute_not_exists(actions.#n)',
    );
  }

  /** Writes the step's result over this worker's claim. */
  async finish(sourceId: string, name: string, claimedAt: string, step: ActionStep): Promise<boolean> {
    return this.update(sourceId, 'SET actions.#n = :step, updatedAt = :at', { ':step': step, ':at': step.at, ':claim': claimedAt }, { '#n': name, '#at': 'at' }, 'actions.#n.#at = :claim');
  }

  /** Sets or clears the entry's `actionRetry` (what a retry run selects besides failed deliveries). */
  async flagRetry(sourceId: string, on: boolean): Promise<void> {
    await this.update(sourceId, on ? 'SET actionRetry = :t' : 'REMOVE actionRetry', on ? { ':t': true } : {}, {}, 'attribute_exists(PK)');
  }

  private async update(sourceId: string, expr: string, values: Record<string, unknown>, names: Record<string, string>, condition: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: flowKeys.ledger(this.flowId, sourceId),
          UpdateExpression: expr,
          ConditionExpression: condition,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      this.db.writes++;
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
