import { randomBytes } from 'node:crypto';
import { api } from '../helpers/http';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startRingCentralSandbox, type RcCall, type RingCentralSandbox } from '../sandboxes/ringcentral';
import { makeZohoRecords, startZohoSandbox, type ZohoSandbox } from '../sandboxes/zoho';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { restTarget } from './helpers';

const HOUR = 3_600_000;
const SARAH = '5678901234';
const DAVID = '6789012345';
const RC = { accessToken: 'U0pDMTFQMDFQQVMwMHxBQUFrc-access-0001', refreshToken: 'U0pDMTFQMDFQQVMwMHxBQUFrc-refresh-0002', clientId: 'rcClientIdQx7', clientSecret: 'rc-client-secret-0003' };
const ZOHO = { accessToken: '1000.access.abcd', refreshToken: '1000.refresh.efgh', clientId: '1000.CLIENTID', clientSecret: 'zoho-client-secret' };

/** Seed 004's files as a user has them (offices.json, extensions.json with offices, lead_owners.json, mappings). */
const settings = {
  offices: {
    philadelphia: { name: 'Philadelphia Office', processing_order: 1, timezone: 'America/New_York' },
    pittsburgh: { name: 'Pittsburgh Office', processing_order: 2, timezone: 'America/New_York' },
  },
  extensions: [
    { id: '101', name: 'Reception', type: 'Department', number: '1001', process_calls: true, office: 'philadelphia', department: 'Sales' },
    { id: '201', name: 'John Smith', type: 'User', number: '2001', process_calls: true, office: 'philadelphia' },
    { id: '301', name: 'Front Desk', type: 'Department', number: '3001', process_calls: true, office: 'pittsburgh' },
    { id: '401', name: 'Warehouse', type: 'User', number: '4001', process_calls: false, office: 'pittsburgh' },
  ],
  lead_owners: [
    { id: SARAH, name: 'Sarah Reynolds', email: 'sarah.reynolds@example.com', active: true, assignment_weight: 2.0 },
    { id: DAVID, name: 'David Chen', email: 'david.chen@example.com', active: true, assignment_weight: 1.5 },
  ],
  assignment_rules: { round_robin: true, respect_weights: true, fallback_owner_id: SARAH, department_specific: { enabled: true, mappings: { Sales: [DAVID] } } },
  field_mappings: {
    accepted_calls: { Phone: 'Phone', Email: 'Email', First_Name: 'First_Name', Last_Name: 'Last_Name', Company: 'Company', Description: 'Answered by ${extension_name} for ${call_duration:minutes} min' },
    missed_calls: { Phone: 'Phone', First_Name: 'First_Name', Last_Name: 'Last_Name', Company: 'Company' },
    lead_status: { new: 'New', accepted_call: 'Accepted Call', missed_call: 'Missed Call', missed_call_with_voicemail: 'Missed Call with Voicemail' },
  },
  email: { smtp_server: 'smtp.example.com', smtp_port: 587, use_tls: true, sender_email: 'integration@example.com', recipients: [] },
};

describe('Flow template: calls_to_leads (seed 004)', () => {
  let stack: TestStack;
  let rc: RingCentralSandbox;
  let zoho: ZohoSandbox;
  let smtp: SmtpTestServer;
  let hook: CatchHook;
  let call: ReturnType<typeof api>;
  let rcId: string;
  let zohoId: string;
  let flowId: string;
  const now = Date.now();
  const media = { r1: randomBytes(300_000), r2: randomBytes(120_000), v1: randomBytes(40_000) };
  let existing: string;

  /** A call as RingCentral's account call log (Detailed view) has it. */
  const rcCall = (id: string, minutesAgo: number, o: { ext: string; result: string; from: Record<string, unknown>; direction?: string; recording?: string; voicemail?: string }): RcCall => ({
    uri: `${rc.url}/restapi/v1.0/account/37439510/call-log/${id}`,
    id,
    sessionId: `1391641${id.length}${minutesAgo}`,
    startTime: new Date(now - minutesAgo * 60_000).toISOString(),
    duration: o.result === 'Accepted' ? 200 : 0,
    type: 'Voice',
    direction: o.direction ?? 'Inbound',
    action: 'Phone Call',
    result: o.result,
    from: o.from,
    to: { phoneNumber: '+12155550001', extensionNumber: settings.extensions.find((e) => e.id === o.ext)!.number, name: 'Us' },
    extension: { uri: `${rc.url}/restapi/v1.0/account/37439510/extension/${o.ext}`, id: Number(o.ext) },
    ...(o.recording ? { recording: { id: o.recording, uri: `${rc.url}/restapi/v1.0/account/37439510/recording/${o.recording}`, type: 'Automatic', contentUri: o.recording } } : {}),
    ...(o.voicemail ? { message: { id: '8016524004', type: 'VoiceMail', uri: o.voicemail } } : {}),
    legs: [],
  });

  beforeAll(async () => {
    rc = await startRingCentralSandbox({ ...RC, perMinute: 100 });
    const r1 = rc.addMedia('/restapi/v1.0/account/37439510/recording/1662272001/content', media.r1);
    const r2 = rc.addMedia('/restapi/v1.0/account/37439510/recording/1662272002/content', media.r2, 'audio/wav');
    const v1 = rc.addVoicemail('/restapi/v1.0/account/37439510/extension/201/message-store/8016524004', '/restapi/v1.0/account/37439510/extension/201/message-store/8016524004/content/1', media.v1);
    const fix = (c: RcCall) => {
      const rec = c.recording as { id: string; contentUri: string } | undefined;
      if (rec) Object.assign(rec, { contentUri: rec.contentUri === '1' ? r1 : r2, id: rec.contentUri === '1' ? '1662272001' : '1662272002' });
      return c;
    };
    const calls = [
      rcCall('c1', 20 * 60, { ext: '101', result: 'Accepted', from: { phoneNumber: '+12155550101', name: 'Ada Lovelace' }, recording: '1' }),
      rcCall('c2', 19 * 60, { ext: '201', result: 'Voicemail', from: { phoneNumber: '(215) 555-0102', name: 'Grace Hopper' }, voicemail: v1 }),
      rcCall('c3', 18 * 60, { ext: '201', result: 'Missed', from: { phoneNumber: '+12155550100', name: 'Known Caller' } }),
      rcCall('c4', 17 * 60, { ext: '201', result: 'Accepted', from: { extensionNumber: '1001', name: 'Reception' } }),
      rcCall('c5', 16 * 60, { ext: '301', result: 'Accepted', from: { phoneNumber: '+14125550103' }, recording: '2' }),
      rcCall('c6', 15 * 60, { ext: '401', result: 'Accepted', from: { phoneNumber: '+14125550104', name: 'Not Processed' } }),
      rcCall('c7', 14 * 60, { ext: '301', result: 'Missed', from: { name: 'Anonymous' } }),
      rcCall('c8', 13 * 60, { ext: '301', result: 'Accepted', from: { phoneNumber: '+12155550102', name: 'Grace Hopper' } }),
      rcCall('c9', 12 * 60, { ext: '201', result: 'Call connected', direction: 'Outbound', from: { phoneNumber: '+12155550001', extensionNumber: '2001' } }),
      rcCall('old', 30 * 60, { ext: '201', result: 'Accepted', from: { phoneNumber: '+12155550199', name: 'Too Old' } }),
    ].map(fix);
    for (const c of calls) rc.addCall(c);
    const lead = { ...makeZohoRecords('Leads', 1)[0], Phone: '+12155550100', Lead_Source: 'Web Download', Lead_Status: 'Contacted' };
    existing = lead.id;
    zoho = await startZohoSandbox({ ...ZOHO, records: { Leads: [lead] }, perMinute: 1000 });
    hook = await startCatchHook();
    stack = await startTestStack({ port: 0 });
    // The run's report goes to a real SMTP server, as email_config.json would send it (no TLS on loopback).
    smtp = await startSmtpServer();
    Object.assign(settings.email, { smtp_server: '127.0.0.1', smtp_port: smtp.port, use_tls: false, recipients: [{ name: 'Admin', email: 'admin@example.com', receive_daily: true, receive_errors: true }] });
    call = api(stack.url!, stack.apiKey);
    rcId = (await call('POST', '/api/integrations', { name: 'RC', type: 'ringcentral', config: { baseUrl: rc.url, ...RC }, status: 'inactive' })).body.id;
    zohoId = (await call('POST', '/api/integrations', { name: 'Zoho', type: 'zoho', config: { baseUrl: zoho.url, accountsUrl: zoho.url, ...ZOHO }, status: 'inactive' })).body.id;
    expect((await call('POST', `/api/integrations/${rcId}/sync`, { mode: 'full' })).status).toBe(202);
    await stack.queues.drain();
  });
  afterAll(async () => {
    await stack?.close();
    await rc?.close();
    await zoho?.close();
    await smtp?.close();
    await hook?.close();
  });

  const runFlow = async (id: string, body: unknown = {}) => {
    const r = await call('POST', `/api/flows/${id}/run`, body);
    expect(r.status).toBe(202);
    await stack.queues.drain();
    return (await call('GET', `/api/flows/${id}/runs/${r.body.runId}`)).body;
  };
  const zohoWrites = () => zoho.requests.filter((r) => r.method !== 'GET').length;

  it('takes the seed files as settings, and names the field of a bad one', async () => {
    const base = { name: 'Calls to leads', template: 'calls_to_leads', source: { integrationId: rcId, dataType: 'call_log' }, target: { integrationId: zohoId, object: 'Leads' } };
    const bad = async (patch: Record<string, unknown>) => (await call('POST', '/api/flows', { ...base, settings: { ...settings, ...patch } })).body.error.details.map((d: { path: string }) => d.path);
    expect(await bad({ extensions: [{ ...settings.extensions[0], office: 'boston' }] })).toEqual(['settings.extensions.0.office']);
    expect(await bad({ field_mappings: { accepted_calls: { Phone: 'Fax' } } })).toEqual(['settings.field_mappings.accepted_calls.Phone']);
    expect(await bad({ field_mappings: { accepted_calls: { Phone: '${caller_number:hours}' } } })).toEqual(['settings.field_mappings.accepted_calls.Phone']);
    expect(await bad({ assignment_rules: { after_hours_owner_id: 'nobody' } })).toEqual(['settings.assignment_rules.after_hours_owner_id']);
    expect(await bad({ lead_owners: [{ id: SARAH, assignment_weight: -1 }, settings.lead_owners[1]] })).toEqual(['settings.lead_owners.0.assignment_weight']);
    const wrongTarget = await call('POST', '/api/flows', { ...base, target: { integrationId: rcId, object: 'Leads' }, settings });
    expect(wrongTarget.status).toBe(400);
    const created = await call('POST', '/api/flows', { ...base, settings });
    expect(created.status).toBe(201);
    expect(created.body.settings.extensions[0]).toMatchObject({ process_calls: true, office: 'philadelphia' });
    flowId = created.body.id;
    expect((await call('POST', `/api/flows/${flowId}/run`, { hoursBack: 169 })).body.error.details[0].path).toBe('hoursBack');
    expect((await call('POST', `/api/flows/${flowId}/run`, { office: 'boston' })).body.error.details[0].path).toBe('office');
  });

  it('turns a day of calls into exactly the expected leads, owners, statuses, notes and attachments', async () => {
    const dry = await runFlow(flowId, { dryRun: true });
    expect(dry.calls.processed).toBe(5);
    expect(zohoWrites()).toBe(0);

    const run = await runFlow(flowId, { hoursBack: 24, callTypes: ['accepted', 'missed'] });
    expect(run.status).toBe('succeeded');
    expect(run.calls).toMatchObject({
      processed: 5,
      leadsCreated: 3,
      leadsUpdated: 2,
      notesAdded: 5,
      attachmentsAdded: 3,
      failed: 0,
      skipped: { internal_call: 1, process_calls_false: 1, no_caller_number: 1, outbound_call: 1 },
      byType: { accepted: 3, missed: 1, missed_with_voicemail: 1 },
      byOffice: { philadelphia: 3, pittsburgh: 2 },
    });
    // Its report mail (the dry run's came first): the run's figures in the HTML, the charts as inline PNG parts.
    const mail = smtp.received.at(-1)!.mail;
    const figure = (label: string) => new RegExp(`>${label}</td><td[^>]*>([^<]*)</td>`).exec(mail.html as string)?.[1];
    expect([mail.subject, smtp.received.at(-2)!.mail.subject]).toEqual(['Run report: Calls to leads', 'Run report: Calls to leads (dry run)']);
    expect(['Calls processed', 'Leads created', 'Leads updated', 'Notes added', 'Attachments added', 'Calls skipped', 'Philadelphia Office', 'Pittsburgh Office', 'missed with voicemail', 'process calls false'].map(figure))
      .toEqual(['5', '3', '2', '5', '3', '4', '3', '2', '1', '1']);
    expect(mail.attachments.map((a) => [a.contentType, a.cid])).toEqual(['calls-per-hour', 'calls-by-type', 'calls-by-office', 'results'].map((c) => ['image/png', `${c}@switchboard`]));
    const leads = Object.fromEntries(zoho.records('Leads').map((l) => [l.Phone as string, l]));
    expect(Object.keys(leads).sort()).toEqual(['+12155550100', '+12155550101', '+12155550102', '+14125550103']);
    // An existing lead keeps its owner and source; only its status follows the call.
    expect(leads['+12155550100']).toMatchObject({ id: existing, Lead_Source: 'Web Download', Lead_Status: 'Missed Call', Owner: { id: '4876876000000327001' } });
    // Reception is a Sales department extension: its pool is David. The others take turns 2 : 1.5 (Sarah first).
    expect(leads['+12155550101']).toMatchObject({ First_Name: 'Ada', Last_Name: 'Lovelace', Owner: { id: DAVID }, Lead_Source: 'RingCentral Integration', Lead_Status: 'New', Description: 'Answered by Reception for 3.33 min' });
    expect(leads['+12155550102']).toMatchObject({ First_Name: 'Grace', Last_Name: 'Hopper', Owner: { id: SARAH }, Lead_Status: 'Accepted Call' });
    expect(leads['+14125550103']).toMatchObject({ Last_Name: '+14125550103', Owner: { id: DAVID }, Lead_Status: 'New' });
    expect(leads['+14125550103'].First_Name).toBeUndefined();

    const notes = zoho.records('Notes');
    const notesOf = (phone: string) => notes.filter((n) => n.Parent_Id === leads[phone].id);
    expect(notesOf('+12155550100')).toHaveLength(1);
    expect(notesOf('+12155550101')).toHaveLength(1);
    expect(notesOf('+12155550102')).toHaveLength(2);
    expect(notesOf('+14125550103')).toHaveLength(1);
    expect(notesOf('+12155550101')[0]).toMatchObject({ Note_Title: 'Accepted call from +12155550101', se_module: 'Leads' });
    expect(notesOf('+12155550101')[0].Note_Content).toMatch(/duration 3 min 20 s[\s\S]*Extension: Reception \(1001\), Philadelphia Office[\s\S]*Recording attached/);
    expect(notesOf('+12155550102').map((n) => n.Note_Title).sort()).toEqual(['Accepted call from +12155550102', 'Missed call with voicemail from +12155550102']);

    const files = Object.fromEntries(zoho.attachments.map((a) => [a.parentId, a]));
    expect(zoho.attachments).toHaveLength(3);
    expect(files[leads['+12155550101'].id].bytes.equals(media.r1)).toBe(true);
    expect(files[leads['+12155550102'].id].bytes.equals(media.v1)).toBe(true);
    expect(files[leads['+14125550103'].id]).toMatchObject({ fileName: 'recording-1662272002.wav', contentType: 'audio/wav' });
    expect(files[leads['+14125550103'].id].bytes.equals(media.r2)).toBe(true);
    // The RingCentral token went to RingCentral only; Zoho saw its own.
    expect(zoho.requests.every((r) => !r.authorization?.includes(RC.accessToken))).toBe(true);

    const a = (await call('GET', `/api/flows/${flowId}/assignments`)).body;
    expect(a.totals).toEqual({ [DAVID]: 2, [SARAH]: 1 });
    expect(a.assignments.map((x: { sourceId: string; ownerId: string; rule: string }) => [x.sourceId, x.ownerId, x.rule])).toEqual([
      ['c5', DAVID, 'weighted_round_robin'],
      ['c2', SARAH, 'weighted_round_robin'],
      ['c1', DAVID, 'department:Sales'],
    ]);
    expect(a.assignments[0].targetId).toBe(leads['+14125550103'].id);
  });

  it('changes nothing on a second run over the same hours, even two at once', async () => {
    const before = { writes: zohoWrites(), leads: JSON.stringify(zoho.records('Leads')), notes: zoho.records('Notes').length, files: zoho.attachments.length };
    const [a, b] = await Promise.all([call('POST', `/api/flows/${flowId}/run`, {}), call('POST', `/api/flows/${flowId}/run`, {})]);
    await stack.queues.drain();
    for (const r of [a, b]) {
      const run = (await call('GET', `/api/flows/${flowId}/runs/${r.body.runId}`)).body;
      expect(run.calls).toMatchObject({ processed: 0, failed: 0 });
      expect(run.stats.unchanged).toBe(5);
    }
    expect({ writes: zohoWrites(), leads: JSON.stringify(zoho.records('Leads')), notes: zoho.records('Notes').length, files: zoho.attachments.length }).toEqual(before);
  });

  it('refreshes a Zoho token that expires mid-run and goes on, waits out a 429, and fails a ZOHO-422 lead alone with its reason', async () => {
    const r3 = rc.addMedia('/restapi/v1.0/account/37439510/recording/1662272003/content', randomBytes(64_000));
    rc.addCall({ ...rcCall('n1', 60, { ext: '201', result: 'Accepted', from: { phoneNumber: '+13055550201', name: 'Alan Turing' }, recording: '3' }), recording: { id: '1662272003', type: 'Automatic', contentUri: r3 } });
    rc.addCall(rcCall('n2', 50, { ext: '201', result: 'Missed', from: { phoneNumber: '+13055550202', name: 'Bad Lead' } }));
    rc.addCall(rcCall('n3', 40, { ext: '301', result: 'Missed', from: { phoneNumber: '+13055550203', name: 'Edsger Dijkstra' } }));
    expect((await call('POST', `/api/integrations/${rcId}/sync`, { mode: 'full' })).status).toBe(202);
    await stack.queues.drain();
    // The token expires while Zoho takes the leads: the attachments and notes after them meet a 401.
    let expired = false;
    zoho.refuseRecords((rec) => {
      if (!expired) zoho.expireToken();
      expired = true;
      return rec.Phone === '+13055550202' ? 'Phone' : undefined;
    });
    zoho.failNext(1, 429);
    // A missed call texts back in real life; here a webhook action says so, with the call's variables and its lead.
    const hookId = await restTarget(call, hook.url);
    const etag = (await call('GET', `/api/flows/${flowId}`)).headers.etag;
    const patched = await call('PATCH', `/api/flows/${flowId}`, { actions: [{ type: 'webhook', integrationId: hookId, when: "call_type != 'accepted_call'", path: '/hooks/catch/1/2/', body: { to: '${caller_number}', lead: '${lead_id}', who: '${caller_name}' } }] }, { 'if-match': etag });
    expect(patched.status).toBe(200);
    const run = await runFlow(flowId);
    expect(run.status).toBe('partial');
    expect(run.calls).toMatchObject({ processed: 3, leadsCreated: 2, failed: 1, attachmentsAdded: 1, notesAdded: 2 });
    expect(run.errors).toEqual([{ sourceId: 'n2', target: 'Leads', code: 'ZOHO-422', reason: 'INVALID_DATA: invalid data (Phone)' }]);
    expect(run.stats.http429).toBe(1);
    expect(zoho.refreshCount).toBe(1);
    const leads = zoho.records('Leads').filter((l) => String(l.Phone).startsWith('+1305'));
    expect(leads.map((l) => l.Last_Name).sort()).toEqual(['Dijkstra', 'Turing']);
    expect(zoho.attachments.filter((a) => a.parentId === leads.find((l) => l.Last_Name === 'Turing')!.id)).toHaveLength(1);
    const failed = (await call('GET', `/api/flows/${flowId}/deliveries?status=failed`)).body.deliveries;
    expect(failed).toEqual([expect.objectContaining({ sourceId: 'n2', status: 'failed', lastError: 'ZOHO-422: INVALID_DATA: invalid data (Phone)' })]);

    // Once Zoho takes it, a retry sends only the failed call.
    zoho.refuseRecords(undefined);
    const retry = (await call('POST', `/api/flows/${flowId}/retry`, {})).body.runId;
    await stack.queues.drain();
    const again = (await call('GET', `/api/flows/${flowId}/runs/${retry}`)).body;
    expect(again.calls).toMatchObject({ processed: 1, leadsCreated: 1, notesAdded: 1, failed: 0 });
    expect(zoho.records('Leads').filter((l) => l.Phone === '+13055550202')).toHaveLength(1);
    const dijkstra = zoho.records('Leads').find((l) => l.Last_Name === 'Dijkstra')!;
    const bad = zoho.records('Leads').find((l) => l.Phone === '+13055550202')!;
    expect(hook.received.map((r) => r.body)).toEqual([
      { to: '+13055550203', lead: dijkstra.id, who: 'Edsger Dijkstra' },
      { to: '+13055550202', lead: bad.id, who: 'Bad Lead' },
    ]);
  });
});
