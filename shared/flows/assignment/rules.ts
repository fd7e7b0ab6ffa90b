import type * as z from 'zod';
import type { AssignmentRulesSchema, LeadOwnerSchema } from '../calls/settings';
import type { Weighted } from './smooth';

type Rules = z.infer<typeof AssignmentRulesSchema>;
type Owner = z.infer<typeof LeadOwnerSchema>;

/** What a new lead's owner comes from: one owner, or a turn of a weighted pool (its state kept per `pool`). */
export type Decision = { ownerId: string; rule: string } | { pool: string; candidates: Weighted[]; rule: string } | { ownerId: null; rule: 'none' };

export interface LeadContext {
  /** When the call started (ms). */
  at: number;
  /** The department of the extension that took the call, if it has one. */
  department?: string;
  /** The office's zone, used when the office hours name none. */
  timeZone: string;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether an instant falls in the office hours (ISO weekdays 1 = Monday … 7 = Sunday; an end before the start spans midnight). */
export function inOfficeHours(at: number, hours: NonNullable<Rules['office_hours']>, fallbackZone: string): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timezone ?? fallbackZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = WEEKDAY[get('weekday')];
  const hhmm = `${get('hour')}:${get('minute')}`;
  if (!hours.days.includes(day)) return false;
  return hours.start <= hours.end ? hhmm >= hours.start && hhmm < hours.end : hhmm >= hours.start || hhmm < hours.end;
}

/**
 * Seed 004's assignment rules, in order: outside office hours (with `office_hours_only`) the after-hours owner;
 * a department with its own pool (`department_specific`) a turn of that pool; otherwise a turn of every active
 * owner (`round_robin`, weighted by `assignment_weight` when `respect_weights`); the fallback owner when a pool
 * has nobody active or round robin is off. Inactive owners are never chosen, not even as fallback.
 * Without round robin and without a fallback owner, the first active owner takes every lead.
 */
export function decide(owners: Owner[], rules: Rules, lead: LeadContext): Decision {
  const active = new Map(owners.filter((o) => o.active).map((o) => [o.id, o]));
  const fallback = (): Decision => (rules.fallback_owner_id && active.has(rules.fallback_owner_id) ? { ownerId: rules.fallback_owner_id, rule: 'fallback' } : { ownerId: null, rule: 'none' });
  const pool = (name: string, ids: string[], rule: string): Decision => {
    const candidates = ids.filter((id) => active.has(id)).map((id) => ({ id, weight: rules.respect_weights ? active.get(id)!.assignment_weight : 1 }));
    return candidates.length ? { pool: name, candidates, rule } : fallback();
  };
  if (rules.office_hours_only && rules.office_hours && !inOfficeHours(lead.at, rules.office_hours, lead.timeZone)) {
    const id = rules.after_hours_owner_id;
    return id && active.has(id) ? { ownerId: id, rule: 'after_hours' } : fallback();
  }
  const dept = rules.department_specific;
  if (dept?.enabled && lead.department && dept.mappings[lead.department]) return pool(`dept:${lead.department}`, dept.mappings[lead.department], `department:${lead.department}`);
  if (!rules.round_robin) {
    const first = owners.find((o) => active.has(o.id));
    return rules.fallback_owner_id || !first ? fallback() : { ownerId: first.id, rule: 'first_active_owner' };
  }
  return pool('all', owners.map((o) => o.id), rules.respect_weights ? 'weighted_round_robin' : 'round_robin');
}
