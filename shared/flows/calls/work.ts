import { openRecording, openVoicemail } from '../../connectors/ringcentral/media';
import type { DeliveryContext } from '../../destinations/types';
import { zohoDestination } from '../../destinations/zoho';
import { renderContext } from '../../mapping/context';
import { AttachmentTooLargeError, attachFile, findLeadsByPhone, updateLeads, upsertLeads } from '../../destinations/zoho-leads';
import type { HttpClient } from '../../http/client';
import { AppError } from '../../errors';
import type { ActionRunner } from '../actions';
import type { StoredRecord } from '../../store/record-item';
import { decide } from '../assignment/rules';
import type { Assignment, AssignmentStore } from '../assignment/store';
import type { FlowItem, FlowRun, LedgerStore, LedgerEntry } from '../store';
import { callNote, classify, statusKey, variables, type Call } from './call';
import { codeOf, type CallErrorCode } from './codes';
import type { CallsFigures } from './figures';
import { compileFieldMaps } from './fields';
import type { CallsSettings } from './settings';

/** What the runner lends a calls page: its figures, error list and ledger. */
export interface CallsTally {
  error(sourceId: string, reason: string, code?: string): void;
  note(sourceId: string, reason: string, code: string): void;
  mapped(payload: Record<string, unknown>, fields: string[]): void;
}

export const LEAD_SOURCE = 'RingCentral Integration';
/** A `pending` ledger claim older than a Lambda's 15 minutes belongs to a worker that died. */
const CLAIM_MS = 15 * 60_000;
const PREVIEW = 10;

interface Item {
  call: Call;
  data: Record<string, unknown>;
  prev?: LedgerEntry;
  leadId?: string;
  steps: { status?: boolean; note?: boolean; attachment?: string };
  error?: { code: CallErrorCode; reason: string };
  media?: string;
}

/**
 * One page of call log records through seed 004's processing: classify (skips counted by reason), claim each
 * call in the ledger (a call another run or worker holds is left to it), find leads by phone, create the new
 * ones (owner by the assignment rules) or set the status of the known ones, attach recordings and voicemails,
 * add a note per call, then record each call in the ledger with the steps done, so a retry only redoes the rest.
 */
export class CallsWork {
  private readonly settings: CallsSettings;
  private readonly maps;
  /** Leads this run made or found, by number: a caller met again later in the run needs no search. */
  private readonly leads = new Map<string, string>();

  constructor(
    private readonly deps: {
      svc: { ledger: LedgerStore };
      flow: FlowItem;
      run: FlowRun & { calls: CallsFigures };
      zoho: DeliveryContext;
      rc?: { http: HttpClient; origins: string[] };
      assignments: AssignmentStore;
      actions?: ActionRunner;
      tally: CallsTally;
      now: () => number;
    },
  ) {
    this.settings = deps.flow.settings!;
    this.maps = compileFieldMaps(this.settings.field_mappings);
  }

  async process(records: StoredRecord[]): Promise<boolean> {
    const { svc, flow, run } = this.deps;
    const figures = run.calls;
    const ledger = await svc.ledger.getMany(flow.id, records.map((r) => r.externalId));
    const opts = { office: run.office, callTypes: run.callTypes ?? ['accepted', 'missed'], country: flow.country, timeZone: flow.timeZone };
    const todo: Item[] = [];
    const skips: { entry: LedgerEntry; prev?: LedgerEntry }[] = [];
    for (const r of records) {
      const prev = ledger.get(r.externalId);
      if (prev?.status === 'delivered') {
        run.stats.unchanged++;
        continue;
      }
      const c = r.deleted ? ({ filtered: 'deleted' } as const) : classify(r.data, this.settings, opts);
      if ('filtered' in c) run.stats.filtered++;
      else if ('skip' in c) {
        figures.skipped[c.skip] = (figures.skipped[c.skip] ?? 0) + 1;
        run.stats.skipped++;
        if (!run.dryRun && prev?.lastError !== c.skip) skips.push({ entry: this.entry(r.externalId, prev, { status: 'skipped', lastError: c.skip }), prev });
      } else if (prev?.status === 'pending' && this.deps.now() - Date.parse(prev.updatedAt) < CLAIM_MS) {
        figures.skipped.handled_by_another_run = (figures.skipped.handled_by_another_run ?? 0) + 1;
        run.stats.skipped++;
      } else todo.push({ call: c.call, data: r.data, prev, leadId: prev?.targetId ?? undefined, steps: { ...((prev as { steps?: Item['steps'] })?.steps ?? {}) } });
    }
    await svc.ledger.putMany(flow.id, skips);
    if (run.dryRun) return this.preview(todo);
    // Claim: of two runs meeting one call, only the one whose conditional write lands handles it.
    const claimed: Item[] = [];
    await Promise.all(
      todo.map(async (it) => {
        const entry = this.entry(it.call.id, it.prev, { status: 'pending' });
        if (await svc.ledger.put(flow.id, entry, it.prev)) claimed.push(Object.assign(it, { prev: entry }));
        else {
          figures.skipped.handled_by_another_run = (figures.skipped.handled_by_another_run ?? 0) + 1;
          run.stats.skipped++;
        }
      }),
    );
    // The page's order (offices by processing_order, then time) decides who owns a lead met twice and the turns.
    claimed.sort((a, b) => todo.indexOf(a) - todo.indexOf(b));
    await this.leadsFor(claimed);
    await this.attach(claimed);
    await this.notes(claimed);
    await svc.ledger.putMany(flow.id, claimed.map((it) => this.finish(it)));
    // The flow's actions (a text back, a Slack message…) for each call that reached its lead, with the call's variables.
    await this.deps.actions?.process(
      claimed.filter((it) => !it.error).map((it) => ({ sourceId: it.call.id, data: { ...it.data, ...variables(it.call, this.settings, null), lead_id: it.leadId }, steps: it.prev?.actions })),
    );
    return true;
  }

  /** Finds or creates each number's lead, then sets the status of every lead a later call met. */
  private async leadsFor(items: Item[]): Promise<void> {
    const { zoho, flow, run } = this.deps;
    const object = this.deps.zoho.target.object!;
    const byNumber = new Map<string, Item[]>();
    for (const it of items) byNumber.set(it.call.number, [...(byNumber.get(it.call.number) ?? []), it]);
    const fail = (its: Item[], code: CallErrorCode, reason: string) => its.forEach((it) => (it.error ??= { code, reason }));
    const unknown = [...byNumber.keys()].filter((n) => !this.leads.has(n) && !byNumber.get(n)!.some((it) => it.leadId));
    try {
      for (const [n, id] of await findLeadsByPhone(zoho.http, object, unknown)) this.leads.set(n, id);
    } catch (err) {
      unknown.forEach((n) => fail(byNumber.get(n)!, codeOf('ZOHO', err), (err as Error).message));
    }
    const firsts: Item[] = [];
    for (const [n, its] of byNumber) {
      const known = this.leads.get(n) ?? its.find((it) => it.leadId)?.leadId;
      if (known) its.forEach((it) => (it.leadId = known));
      else if (!its[0].error) firsts.push(its[0]);
    }
    const owners = await this.owners(firsts);
    const creates = firsts.map((first) => ({ n: first.call.number, first, payload: this.newLead(first, owners.get(first.call.number)!) }));
    for (let i = 0; i < creates.length; i += 100) {
      const chunk = creates.slice(i, i + 100);
      const targets: Parameters<AssignmentStore['setTargets']>[1] = [];
      try {
        const res = await upsertLeads(zoho.http, object, chunk.map((c) => c.payload));
        chunk.forEach((c, k) => {
          const item = res[k];
          if (item.status !== 'success') return fail(byNumber.get(c.n)!, 'ZOHO-422', `${item.code}: ${item.message ?? ''}${item.details?.api_name ? ` (${item.details.api_name})` : ''}`);
          const id = String(item.details?.id);
          this.leads.set(c.n, id);
          byNumber.get(c.n)!.forEach((it) => (it.leadId = id));
          c.first.steps.status = true;
          if (item.action === 'update') run.calls.leadsUpdated++;
          else run.calls.leadsCreated++;
          targets.push({ assignment: owners.get(c.n)!, targetId: id });
        });
      } catch (err) {
        chunk.forEach((c) => fail(byNumber.get(c.n)!, codeOf('ZOHO', err), (err as Error).message));
      }
      await this.deps.assignments.setTargets(flow.id, targets);
    }
    // Later calls of a number set its lead's status; the newest call's type wins.
    const updates = [...byNumber.values()].map((its) => its.filter((it) => it.leadId && !it.error && !it.steps.status)).filter((its) => its.length);
    for (let i = 0; i < updates.length; i += 100) {
      const chunk = updates.slice(i, i + 100);
      const status = this.settings.field_mappings.lead_status;
      try {
        const res = await updateLeads(zoho.http, object, chunk.map((its) => ({ id: its[0].leadId, Lead_Status: status[statusKey(its[its.length - 1].call)] })));
        chunk.forEach((its, k) => {
          const item = res[k];
          if (item.status !== 'success') return fail(its, 'ZOHO-422', `${item.code}: ${item.message ?? ''}`);
          its.forEach((it) => (it.steps.status = true));
          run.calls.leadsUpdated += its.length;
        });
      } catch (err) {
        chunk.forEach((its) => fail(its, codeOf('ZOHO', err), (err as Error).message));
      }
    }
  }

  /** The owners the rules give the new leads' numbers, the page's leads assigned at once in page order. */
  private owners(firsts: Item[]): Promise<Map<string, Assignment>> {
    const { flow, assignments } = this.deps;
    const leads = firsts.map(({ call }) => ({
      leadKey: call.number,
      sourceId: call.id,
      decision: decide(this.settings.lead_owners, this.settings.assignment_rules, { at: call.at, department: call.extension.department, timeZone: call.timeZone }),
    }));
    return assignments.assignMany(flow.id, leads, this.deps.now());
  }

  /** A new lead: the call type's field mapping, the owner assigned, the seed's source and `new` status. */
  private newLead(it: Item, a: Assignment): Record<string, unknown> {
    const { flow } = this.deps;
    const { call } = it;
    const vars = variables(call, this.settings, a.ownerId);
    const map = this.maps[call.type];
    const payload = map.render(vars, renderContext(flow.country, call.timeZone));
    this.deps.tally.mapped(payload, Object.keys(this.settings.field_mappings[call.type === 'accepted' ? 'accepted_calls' : 'missed_calls']));
    return {
      ...payload,
      Phone: payload.Phone ?? call.number,
      Last_Name: payload.Last_Name ?? vars.Last_Name,
      Lead_Source: LEAD_SOURCE,
      Lead_Status: this.settings.field_mappings.lead_status.new,
      ...(a.ownerId ? { Owner: { id: a.ownerId } } : {}),
    };
  }

  /** Recordings and voicemails, streamed from RingCentral into Zoho one call at a time. */
  private async attach(items: Item[]): Promise<void> {
    const { zoho, flow, rc, run, tally } = this.deps;
    for (const it of items) {
      const m = it.call.media;
      if (!m || !it.leadId || it.error || it.steps.attachment) continue;
      if (!rc) {
        it.steps.attachment = 'no_source';
        continue;
      }
      let sourceError: unknown;
      const open = async () => {
        try {
          const media = m.kind === 'recording' ? await openRecording(rc.http, m.contentUri, m.id, rc.origins) : await openVoicemail(rc.http, m.messageUri, m.id, rc.origins);
          if (!media) throw new NoAudio();
          return media;
        } catch (err) {
          sourceError = err;
          throw err;
        }
      };
      const what = m.kind === 'recording' ? 'Recording' : 'Voicemail';
      try {
        const id = await attachFile(zoho.http, zoho.target.object!, it.leadId, open);
        it.steps.attachment = 'added';
        it.media = `${what} attached (Zoho attachment ${id})`;
        run.calls.attachmentsAdded++;
      } catch (err) {
        if (err instanceof NoAudio) {
          it.steps.attachment = 'none';
        } else if (err instanceof AttachmentTooLargeError) {
          it.steps.attachment = 'too_large';
          it.media = `${what} not attached: ${err.message}; it stays in RingCentral (${m.kind} ${m.id})`;
          tally.note(it.call.id, err.message, 'ZOHO-413');
        } else it.error = { code: sourceError ? codeOf('RC', sourceError) : codeOf('ZOHO', err), reason: (err as Error).message };
      }
    }
  }

  private async notes(items: Item[]): Promise<void> {
    const { zoho, run } = this.deps;
    const want = items.filter((it) => it.leadId && !it.steps.note && (!it.error || it.steps.status));
    for (let i = 0; i < want.length; i += 100) {
      const chunk = want.slice(i, i + 100);
      let reasons: (string | undefined)[];
      try {
        reasons = await zohoDestination.addNotes!(zoho, chunk.map((it) => ({ targetId: it.leadId!, ...callNote(it.call, this.settings, it.media) })));
      } catch (err) {
        const code = codeOf('ZOHO', err);
        reasons = chunk.map(() => `${code}: ${(err as Error).message}`);
      }
      chunk.forEach((it, k) => {
        if (reasons[k] === undefined) {
          it.steps.note = true;
          run.calls.notesAdded++;
        } else it.error ??= { code: reasons[k]!.startsWith('ZOHO-') ? (reasons[k]!.slice(0, reasons[k]!.indexOf(':')) as CallErrorCode) : 'ZOHO-422', reason: reasons[k]! };
      });
    }
  }

  /** The call in the figures, and its ledger entry with the steps done (written with the page's others). */
  private finish(it: Item): { entry: LedgerEntry; prev?: LedgerEntry } {
    const { run, tally } = this.deps;
    const f = run.calls;
    const c = it.call;
    this.count(c);
    if (it.error) {
      f.failed++;
      tally.error(c.id, it.error.reason, it.error.code);
    } else run.sync_summary.successful_transfers++;
    const entry = this.entry(c.id, it.prev, {
      status: it.error ? 'failed' : 'delivered',
      targetId: it.leadId ?? null,
      payloadHash: 'call',
      lastError: it.error ? `${it.error.code}: ${it.error.reason}` : null,
      steps: it.steps,
    } as Partial<LedgerEntry>);
    return { entry, prev: it.prev };
  }

  /** A processed call in the figures: by type, office and hour of the day in the office's zone. */
  private count(c: Call): void {
    const { run } = this.deps;
    const f = run.calls;
    f.processed++;
    run.sync_summary.records_processed++;
    f.byType[c.type === 'accepted' ? 'accepted' : c.voicemail ? 'missed_with_voicemail' : 'missed']++;
    const office = c.office ?? '(none)';
    f.byOffice[office] = (f.byOffice[office] ?? 0) + 1;
    f.byHour[Number(new Intl.DateTimeFormat('en-US', { timeZone: c.timeZone, hour: '2-digit', hourCycle: 'h23' }).format(c.at)) % 24]++;
  }

  private preview(items: Item[]): boolean {
    const { run, flow } = this.deps;
    for (const it of items) {
      this.count(it.call);
      run.sync_summary.successful_transfers++;
      if ((run.preview ??= []).length >= PREVIEW) continue;
      const d = decide(this.settings.lead_owners, this.settings.assignment_rules, { at: it.call.at, department: it.call.extension.department, timeZone: it.call.timeZone });
      const payload = this.maps[it.call.type].render(variables(it.call, this.settings, 'ownerId' in d ? d.ownerId : null), renderContext(flow.country, it.call.timeZone));
      run.preview.push({ sourceId: it.call.id, action: `find lead by ${it.call.number}; create (owner by ${d.rule}) or set status ${this.settings.field_mappings.lead_status[statusKey(it.call)]}`, payload });
    }
    return true;
  }

  private entry(sourceId: string, prev: LedgerEntry | undefined, change: Partial<LedgerEntry>): LedgerEntry {
    const now = this.deps.now();
    const at = new Date(prev && Date.parse(prev.updatedAt) >= now ? Date.parse(prev.updatedAt) + 1 : now).toISOString();
    return { sourceId, targetId: prev?.targetId ?? null, payloadHash: prev?.payloadHash ?? null, lastError: prev?.lastError ?? null, ...(prev?.actions ? { actions: prev.actions } : {}), ...change, status: change.status!, attempts: (prev?.attempts ?? 0) + (change.status === 'delivered' || change.status === 'failed' ? 1 : 0), updatedAt: at };
  }
}

/** The recording or voicemail has no audio any more: nothing to attach, not a failure. */
class NoAudio extends AppError {
  constructor() {
    super('no_audio', 'The call has no audio to attach.', 404);
  }
}
