import { AssignmentStore } from '../../shared/flows/assignment/store';
import { decide, inOfficeHours } from '../../shared/flows/assignment/rules';
import { pickSmooth, type Scores } from '../../shared/flows/assignment/smooth';
import { CallsSettingsSchema } from '../../shared/flows/calls/settings';
import { startTestStack, type TestStack } from '../helpers/stack';

const SARAH = '5678901234';
const DAVID = '6789012345';
/** seed 004's lead_owners.json, plus an inactive owner and an after-hours one. */
const settings = (rules: Record<string, unknown> = {}) =>
  CallsSettingsSchema.parse({
    extensions: [{ id: '101', name: 'Reception', type: 'Department', number: '1001', process_calls: true }],
    lead_owners: [
      { id: SARAH, name: 'Sarah Reynolds', email: 'sarah.reynolds@example.com', active: true, assignment_weight: 2.0 },
      { id: DAVID, name: 'David Chen', email: 'david.chen@example.com', active: true, assignment_weight: 1.5 },
      { id: 'gone', name: 'Left the company', active: false, assignment_weight: 50 },
      { id: 'night', name: 'Night desk', active: true, assignment_weight: 1 },
      { id: 'support1', active: true, assignment_weight: 1 },
      { id: 'support2', active: true, assignment_weight: 3 },
    ],
    assignment_rules: { round_robin: true, respect_weights: true, fallback_owner_id: SARAH, ...rules },
  });

describe('Lead assignment', () => {
  describe('smooth weighted round robin', () => {
    it('gives weights 2 : 1.5 a 4 : 3 share over every 7 consecutive picks, interleaved', () => {
      const candidates = [
        { id: 'A', weight: 2 },
        { id: 'B', weight: 1.5 },
      ];
      let scores: Scores = {};
      const seq: string[] = [];
      for (let i = 0; i < 700; i++) {
        const r = pickSmooth(candidates, scores);
        seq.push(r.id);
        scores = r.scores;
      }
      expect(seq.slice(0, 7).join('')).toBe('ABABABA');
      for (let i = 0; i + 7 <= seq.length; i++) expect(seq.slice(i, i + 7).filter((x) => x === 'A')).toHaveLength(4);
      expect(seq.filter((x) => x === 'A')).toHaveLength(400);
    });
  });

  describe('rules', () => {
    const tuesday10 = Date.parse('2026-12-01T15:00:00Z'); // 10:00 in New York
    const tuesday20 = Date.parse('2026-12-02T01:00:00Z'); // 20:00 in New York
    const saturday10 = Date.parse('2026-12-05T15:00:00Z');
    const hours = { office_hours_only: true, office_hours: { start: '09:00', end: '17:00', timezone: 'America/New_York', days: [1, 2, 3, 4, 5] }, after_hours_owner_id: 'night' };

    it('never pools an inactive owner, and weights only when respect_weights', () => {
      const s = settings();
      expect(decide(s.lead_owners, s.assignment_rules, { at: tuesday10, timeZone: 'UTC' })).toEqual({
        pool: 'all',
        rule: 'weighted_round_robin',
        candidates: [
          { id: SARAH, weight: 2 },
          { id: DAVID, weight: 1.5 },
          { id: 'night', weight: 1 },
          { id: 'support1', weight: 1 },
          { id: 'support2', weight: 3 },
        ],
      });
      const flat = settings({ respect_weights: false });
      const d = decide(flat.lead_owners, flat.assignment_rules, { at: tuesday10, timeZone: 'UTC' });
      expect('candidates' in d && d.candidates.every((c) => c.weight === 1)).toBe(true);
    });

    it('sends a call outside office hours (evening, weekend) to the after-hours owner, and one inside to the pool', () => {
      const s = settings(hours);
      const at = (ms: number) => decide(s.lead_owners, s.assignment_rules, { at: ms, timeZone: 'UTC' });
      expect(at(tuesday20)).toEqual({ ownerId: 'night', rule: 'after_hours' });
      expect(at(saturday10)).toEqual({ ownerId: 'night', rule: 'after_hours' });
      expect(at(tuesday10)).toMatchObject({ pool: 'all' });
      // The office's zone is used when the hours name none.
      expect(inOfficeHours(tuesday10, { start: '09:00', end: '17:00', days: [2] }, 'America/New_York')).toBe(true);
      expect(inOfficeHours(tuesday10, { start: '09:00', end: '17:00', days: [2] }, 'Asia/Tokyo')).toBe(false);
      // Without office_hours_only the hours are informational.
      const off = settings({ ...hours, office_hours_only: false });
      expect(decide(off.lead_owners, off.assignment_rules, { at: tuesday20, timeZone: 'UTC' })).toMatchObject({ pool: 'all' });
    });

    it('gives a department with its own pool a turn of that pool, inactive members left out; an all-inactive pool falls back', () => {
      const s = settings({ department_specific: { enabled: true, mappings: { Support: ['support1', 'support2', 'gone'], Ghosts: ['gone'] } } });
      const d = (department?: string) => decide(s.lead_owners, s.assignment_rules, { at: tuesday10, timeZone: 'UTC', department });
      expect(d('Support')).toEqual({ pool: 'dept:Support', rule: 'department:Support', candidates: [{ id: 'support1', weight: 1 }, { id: 'support2', weight: 3 }] });
      expect(d('Ghosts')).toEqual({ ownerId: SARAH, rule: 'fallback' });
      expect(d('Sales')).toMatchObject({ pool: 'all' });
      expect(d(undefined)).toMatchObject({ pool: 'all' });
    });

    it('refuses rules naming an owner that is not in lead_owners, naming the field', () => {
      const r = CallsSettingsSchema.safeParse({ extensions: [{ id: '1', name: 'x', number: '1' }], lead_owners: [{ id: 'a' }], assignment_rules: { fallback_owner_id: 'zz' } });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path).toEqual(['assignment_rules', 'fallback_owner_id']);
    });
  });

  describe('state in DynamoDB', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(async () => {
      await stack.close();
    });

    it('splits 700 new leads 400 : 300 between weights 2 and 1.5 while two workers assign concurrently, each lead once', async () => {
      const s = settings();
      const owners = s.lead_owners.filter((o) => o.id === SARAH || o.id === DAVID);
      const decision = decide(owners, s.assignment_rules, { at: Date.now(), timeZone: 'UTC' });
      const workers = [new AssignmentStore(stack.app.db, async () => {}), new AssignmentStore(stack.app.db, async () => {})];
      const leads = Array.from({ length: 700 }, (_, i) => `+1215555${String(i).padStart(4, '0')}`);
      // Each worker takes every lead of its half, interleaved by the event loop; a few leads are met by both.
      const half = (w: number) => leads.filter((_, i) => i % 2 === w || i % 50 === 0);
      const lanes = (w: number) => Array.from({ length: 2 }, (_, lane) => half(w).filter((_, i) => i % 2 === lane));
      const got = new Map<string, Set<string | null>>();
      await Promise.all(
        [0, 1].flatMap((w) =>
          lanes(w).map(async (lane) => {
            for (const lead of lane) {
              const a = await workers[w].assign('flowA', lead, `call-${lead}-${w}`, decision);
              got.set(lead, (got.get(lead) ?? new Set()).add(a.ownerId));
            }
          }),
        ),
      );
      expect(workers[0].conflicts + workers[1].conflicts).toBeGreaterThan(0);
      expect([...got.values()].every((owners) => owners.size === 1)).toBe(true);
      expect(await workers[0].totals('flowA')).toEqual({ [SARAH]: 400, [DAVID]: 300 });
      const page = await workers[0].list('flowA', 1000);
      expect(page.items).toHaveLength(700);
      expect(page.items[0].at >= page.items[699].at).toBe(true);
      // About 4,500 conditional writes on an in-process store: minutes on a loaded machine.
    }, 300_000);

    it('assigns pages of leads at once: two workers with overlapping pages split 700 leads 400 : 300, each lead once, its target set without a read', async () => {
      const s = settings();
      const owners = s.lead_owners.filter((o) => o.id === SARAH || o.id === DAVID);
      const decision = decide(owners, s.assignment_rules, { at: Date.now(), timeZone: 'UTC' });
      const workers = [new AssignmentStore(stack.app.db, async () => {}), new AssignmentStore(stack.app.db, async () => {})];
      const leads = Array.from({ length: 700 }, (_, i) => `+1412555${String(i).padStart(4, '0')}`);
      // Worker 0 takes pages of 50 from the front, worker 1 pages of 30 from the back: they meet in the middle and overlap.
      const pages = (w: number) => {
        const mine = w === 0 ? leads.slice(0, 380) : [...leads.slice(330)].reverse();
        const size = w === 0 ? 50 : 30;
        return Array.from({ length: Math.ceil(mine.length / size) }, (_, i) => mine.slice(i * size, (i + 1) * size));
      };
      const got = new Map<string, Set<string | null>>();
      await Promise.all(
        [0, 1].map(async (w) => {
          for (const page of pages(w)) {
            const out = await workers[w].assignMany('flowB', page.map((lead) => ({ leadKey: lead, sourceId: `call-${lead}-${w}`, decision })));
            expect([...out.keys()].sort()).toEqual([...page].sort());
            for (const [lead, a] of out) got.set(lead, (got.get(lead) ?? new Set()).add(a.ownerId));
          }
        }),
      );
      expect(got.size).toBe(700);
      expect([...got.values()].every((o) => o.size === 1)).toBe(true);
      expect(await workers[0].totals('flowB')).toEqual({ [SARAH]: 400, [DAVID]: 300 });
      // Met again, a lead keeps its owner; a page's turns go to its leads in page order (a fresh flow's pool).
      const first = await workers[0].assignMany('flowB', leads.slice(0, 7).map((lead) => ({ leadKey: lead, sourceId: 'again', decision })));
      expect(leads.slice(0, 7).map((l) => first.get(l)!.ownerId)).toEqual(leads.slice(0, 7).map((l) => [...got.get(l)!][0]));
      const fresh = await workers[1].assignMany('flowC', leads.slice(0, 7).reverse().map((lead) => ({ leadKey: lead, sourceId: 'c', decision })));
      expect(leads.slice(0, 7).reverse().map((l) => fresh.get(l)!.ownerId)).toEqual([SARAH, DAVID, SARAH, DAVID, SARAH, DAVID, SARAH]);
      // The target is written into both the lead's item and its history entry.
      await workers[1].setTargets('flowB', [{ assignment: first.get(leads[0])!, targetId: 'zoho-1' }]);
      const history = (await workers[0].list('flowB', 1000)).items;
      expect(history).toHaveLength(700);
      expect(history.filter((h) => h.targetId === 'zoho-1')).toEqual([expect.objectContaining({ sourceId: first.get(leads[0])!.sourceId, ownerId: SARAH })]);
      expect((await workers[0].assign('flowB', leads[0], 'later', decision)).targetId).toBe('zoho-1');
    }, 300_000);
  });
});
