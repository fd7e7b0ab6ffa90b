import { defaultPropsOf, generate, type HubspotRecord, lastModifiedOf, typeBase } from './hubspot-data';

export type RecordInput = { id?: string; properties: Record<string, string | null>; createdAt?: string; updatedAt?: string };

/** Compares HubSpot property values the way search does: numbers and dates by value, text as text. */
export function compareValues(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return a < b ? -1 : 1;
}
function asNumber(v: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * One object type's records: `count` generated lazily by index (ids base+1…base+count), plus records set or
 * added by the test (`overrides`), minus archived ones. Ordered by numeric id, as HubSpot's list is.
 */
export class TypeStore {
  readonly overrides = new Map<string, HubspotRecord>();
  readonly archived = new Map<string, HubspotRecord>();
  /** Ids outside the generated range, kept sorted. */
  private extras: string[] = [];
  version = 0;
  private cache?: { version: number; all: HubspotRecord[] };

  constructor(
    readonly type: string,
    readonly base: number,
    readonly count: number,
    readonly seed: number,
  ) {}

  private generated(id: string): boolean {
    const n = Number(id);
    return Number.isInteger(n) && n > this.base && n <= this.base + this.count;
  }

  get(id: string): HubspotRecord | undefined {
    if (this.archived.has(id)) return undefined;
    const o = this.overrides.get(id);
    if (o) return o;
    return this.generated(id) ? generate(this.type, this.base, Number(id) - this.base, this.seed) : undefined;
  }

  /** Sets properties (creating the record when new) and stamps updatedAt/last-modified with now. */
  set(id: string | undefined, props: Record<string, string | null>, now = new Date()): HubspotRecord {
    const nowIso = now.toISOString();
    const newId = id ?? String(this.base + this.count + 1 + this.overrides.size + this.archived.size + 100_000);
    const prev = this.get(newId);
    const rec: HubspotRecord = prev
      ? { ...prev, properties: { ...prev.properties, ...props } }
      : { id: newId, properties: { ...props, [createdProperty(this.type)]: nowIso }, createdAt: nowIso, updatedAt: nowIso, archived: false };
    rec.updatedAt = nowIso;
    rec.properties[lastModifiedOf(this.type)] = nowIso;
    rec.properties.hs_object_id = newId;
    this.put(rec);
    return rec;
  }

  /** Stores a record as given (explicit fixtures). */
  put(rec: HubspotRecord): void {
    this.archived.delete(rec.id);
    this.overrides.set(rec.id, rec);
    if (!this.generated(rec.id)) {
      // Binary insertion: a portal the benchmark fills with 10,000 new contacts must not re-sort on every one.
      let lo = 0;
      let hi = this.extras.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareValues(this.extras[mid], rec.id) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (this.extras[lo] !== rec.id) this.extras.splice(lo, 0, rec.id);
    }
    this.version++;
  }

  archive(id: string, now = new Date()): boolean {
    const rec = this.get(id);
    if (!rec) return false;
    const iso = now.toISOString();
    this.archived.set(id, { ...rec, archived: true, archivedAt: iso, updatedAt: iso });
    this.version++;
    return true;
  }

  /** Up to `limit` live (or archived) records with id ≥ `from`, and the id to continue from. */
  page(from: string | undefined, limit: number, archived: boolean): { records: HubspotRecord[]; next?: string } {
    const start = from === undefined ? -Infinity : Number(from);
    if (archived) {
      const all = [...this.archived.values()].sort((a, b) => compareValues(a.id, b.id)).filter((r) => Number(r.id) >= start);
      return { records: all.slice(0, limit), next: all[limit]?.id };
    }
    const out: HubspotRecord[] = [];
    let g = Math.max(this.base + 1, Math.ceil(start));
    let e = this.extras.findIndex((id) => Number(id) >= start);
    if (e < 0) e = this.extras.length;
    const nextId = (): string | undefined => {
      for (;;) {
        const gid = g <= this.base + this.count ? g : undefined;
        const eid = e < this.extras.length ? Number(this.extras[e]) : undefined;
        if (gid === undefined && eid === undefined) return undefined;
        let id: string;
        if (eid === undefined || (gid !== undefined && gid < eid)) id = String(g++);
        else id = this.extras[e++];
        if (!this.archived.has(id)) return id;
      }
    };
    for (let id = nextId(); id !== undefined; id = nextId()) {
      if (out.length === limit) return { records: out, next: id };
      out.push(this.get(id)!);
    }
    return { records: out };
  }

  /** Every live record (materialized once per version, for search). */
  all(): HubspotRecord[] {
    if (this.cache?.version === this.version) return this.cache.all;
    const all: HubspotRecord[] = [];
    for (let p = this.page(undefined, 10_000, false); ; p = this.page(p.next, 10_000, false)) {
      all.push(...p.records);
      if (!p.next) break;
    }
    this.cache = { version: this.version, all };
    return all;
  }

  /** The record as the API returns it: requested properties (null when empty) plus the always-sent ones. */
  view(rec: HubspotRecord, requested: string[] | undefined): Record<string, unknown> {
    const names = new Set([...(requested?.length ? requested : defaultPropsOf(this.type)), 'hs_object_id', lastModifiedOf(this.type)]);
    names.add(createdProperty(this.type));
    const properties: Record<string, string | null> = {};
    for (const n of names) if (n in rec.properties || requested?.includes(n)) properties[n] = rec.properties[n] ?? null;
    const out: Record<string, unknown> = { id: rec.id, properties, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: rec.archived };
    if (rec.archivedAt) out.archivedAt = rec.archivedAt;
    return out;
  }
}

function createdProperty(type: string): string {
  return ['contacts', 'companies', 'deals'].includes(type) ? 'createdate' : 'hs_createdate';
}

export function makeStore(type: string, customIndex: number, input: number | RecordInput[] | undefined, fallback: number, seed: number): TypeStore {
  const base = typeBase(type, customIndex);
  if (Array.isArray(input)) {
    const s = new TypeStore(type, base, 0, seed);
    input.forEach((r, i) => {
      const id = r.id ?? String(base + i + 1);
      const createdAt = r.createdAt ?? '2024-06-01T00:00:00.000Z';
      const updatedAt = r.updatedAt ?? createdAt;
      s.put({ id, properties: { ...r.properties, hs_object_id: id, [lastModifiedOf(type)]: updatedAt }, createdAt, updatedAt, archived: false });
    });
    return s;
  }
  return new TypeStore(type, base, input ?? fallback, seed);
}
