import * as z from 'zod';
import type { ReadContext } from '../types';
import type { Position } from './query';
import type { ResolvedTable } from './types';

const KeySchema = z.union([z.string(), z.number()]);

/**
 * The stream cursor. `key` names the pk/updatedAt columns it was made with: a cursor from another key is not
 * reused. A full run walks the table by pk and carries `hwm`, the newest (updatedAt, pk) seen *before* it
 * started, so the incremental run after it fetches exactly what changed since (including rows changed during
 * the full run). Its last page's cursor is the incremental position `{ updatedAt, pk }` of that mark.
 */
export const FullCursorSchema = z.object({
  v: z.literal(1),
  key: z.string(),
  phase: z.literal('full'),
  pk: KeySchema.nullable(),
  hwm: z.object({ updatedAt: KeySchema, pk: KeySchema }).nullable(),
});
export const IncrementalCursorSchema = z.object({
  v: z.literal(1),
  key: z.string(),
  phase: z.literal('incremental'),
  updatedAt: KeySchema.nullable(),
  pk: KeySchema.nullable(),
});
/** A finished full run of a table without updatedAt: the next run starts over. */
export const DoneCursorSchema = z.object({ v: z.literal(1), key: z.string(), phase: z.literal('done') });
export const DbCursorSchema = z.discriminatedUnion('phase', [FullCursorSchema, IncrementalCursorSchema, DoneCursorSchema]);

export type FullCursor = z.infer<typeof FullCursorSchema>;
export type IncrementalCursor = z.infer<typeof IncrementalCursorSchema>;
export type DbCursor = z.infer<typeof DbCursorSchema>;

export function cursorKey(t: ResolvedTable): string {
  return `${t.pk.name}|${t.updatedAt?.name ?? ''}`;
}

export function toPosition(c: FullCursor | IncrementalCursor): Position {
  return c.phase === 'full' ? { phase: 'full', pk: c.pk } : { phase: 'incremental', updatedAt: c.updatedAt, pk: c.pk };
}

/** What the run starts from; `fresh` full runs take their high-water mark first. */
export type Start = { cursor: FullCursor | IncrementalCursor; fresh: boolean; since?: string };

/**
 * Resuming continues the interrupted position. `ctx.since` starts incremental at that date. An incremental
 * run continues from the resting cursor. Anything else (first run, full mode, no updatedAt column) is a full run.
 */
export function startFrom(t: ResolvedTable, ctx: Pick<ReadContext, 'mode' | 'since' | 'resuming'>, raw: unknown): Start {
  const key = cursorKey(t);
  const parsed = raw === null || raw === undefined ? undefined : DbCursorSchema.safeParse(raw);
  const prev = parsed?.success && parsed.data.key === key ? parsed.data : undefined;
  if (ctx.resuming && prev && prev.phase !== 'done') return { cursor: prev, fresh: false };
  if (t.updatedAt && ctx.since) {
    return { cursor: { v: 1, key, phase: 'incremental', updatedAt: null, pk: null }, fresh: false, since: ctx.since };
  }
  if (ctx.mode === 'incremental' && t.updatedAt && prev?.phase === 'incremental') return { cursor: prev, fresh: false };
  return { cursor: { v: 1, key, phase: 'full', pk: null, hwm: null }, fresh: true };
}

/** The cursor stored when a stream finishes. */
export function finalCursor(t: ResolvedTable, last: FullCursor | IncrementalCursor): DbCursor {
  const key = cursorKey(t);
  if (last.phase === 'incremental') return last;
  if (!t.updatedAt) return { v: 1, key, phase: 'done' };
  return { v: 1, key, phase: 'incremental', updatedAt: last.hwm?.updatedAt ?? null, pk: last.hwm?.pk ?? null };
}
