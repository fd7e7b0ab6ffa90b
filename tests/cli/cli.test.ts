import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../shared/connectors/all';
import { setLogSink } from '../../shared/log';
import { startLocalStack, stackFile, type LocalStack } from '../../shared/local/stack';
import { IntegrationService } from '../../shared/services/integrations';
import { cli, type CliResult } from '../helpers/cli';
import { startHubspotSandbox, type HubspotSandbox } from '../sandboxes/hubspot';
import { createChannel } from '../../shared/notify/service';
import { previousDay } from '../../shared/notify/summary';
import { startReceiver } from '../notify/receiver';


/** Opens the data folder in this process (no HTTP, so no stack.json), and closes it before the CLI runs again. */
async function withStore<T>(dataDir: string, fn: (stack: LocalStack, svc: IntegrationService) => Promise<T>): Promise<T> {
  const stack = await startLocalStack({ dataDir, connectors });
  try {
    return await fn(stack, new IntegrationService(stack.app));
  } finally {
    await stack.close();
  }
}

const parseJson = (r: CliResult) => {
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout);
};

describe('CLI: switchboard', () => {
  const CONTACTS = 120;
  const COMPANIES = 15;
  const DEALS = 20;
  let sb: HubspotSandbox;
  let dir: string;
  let tenantId: string;
  let integrationId: string;
  let badIntegrationId: string;
  const restoreLog = setLogSink(() => undefined);

  beforeAll(async () => {
    sb = await startHubspotSandbox({ contacts: CONTACTS, companies: COMPANIES, deals: DEALS, rateLimit: false, token: 'pat-na1-cli-test-token-0001' });
    dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    await withStore(dir, async (stack, svc) => {
      ({ tenantId } = await stack.app.tenants.createTenant('cli-test'));
      integrationId = (await svc.create(tenantId, { name: 'HubSpot sandbox', type: 'hubspot', config: { baseUrl: sb.url, accessToken: sb.token } })).id;
      badIntegrationId = (await svc.create(tenantId, { name: 'Bad token', type: 'hubspot', config: { baseUrl: sb.url, accessToken: 'pat-na1-wrong-token-9999' } })).id;
    });
  });

  afterAll(async () => {
    setLogSink(restoreLog);
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Command: tenants create', () => {
    it('prints exactly {"tenantId", "apiKey"} with --json, and the key resolves to the tenant', async () => {
      const r = await cli(['tenants', 'create', 'acme', '--json'], dir);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^\{"tenantId": "[0-9a-z]{26}", "apiKey": "sb_[A-Za-z0-9_-]{32}"\}\n$/);
      const out = parseJson(r);
      expect(Object.keys(out)).toEqual(['tenantId', 'apiKey']);
      await withStore(dir, async (stack) => {
        await expect(stack.app.tenants.resolve(out.apiKey)).resolves.toBe(out.tenantId);
        await expect(stack.app.tenants.resolve(`${out.apiKey}x`)).resolves.toBeUndefined();
      });
    });

    it('prints the tenant and the key for a person without --json, honouring --data-dir over the environment', async () => {
      const other = mkdtempSync(join(tmpdir(), 'sb-cli-other-'));
      try {
        const r = await cli(['--data-dir', other, 'tenants', 'create', 'Acme Inc'], dir);
        expect(r.code).toBe(0);
        const key = /API key:\s+(sb_\S+)/.exec(r.stdout)?.[1];
        const id = /tenant id:\s+(\S+)/.exec(r.stdout)?.[1];
        expect(key).toBeDefined();
        expect(r.stdout).toMatch(/cannot be shown again/);
        await withStore(other, async (stack) => expect(stack.app.tenants.resolve(key!)).resolves.toBe(id));
        await withStore(dir, async (stack) => expect(stack.app.tenants.resolve(key!)).resolves.toBeUndefined());
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });
  });

  describe('Command: integrations list', () => {
    it("lists the tenant's integrations with secrets masked", async () => {
      const r = await cli(['integrations', 'list', '--tenant', tenantId, '--json'], dir);
      expect(r.code).toBe(0);
      const out = parseJson(r);
      expect(out.integrations.map((i: { id: string }) => i.id).sort()).toEqual([integrationId, badIntegrationId].sort());
      expect(out.integrations[0].config.accessToken).toBe('***');
      expect(r.stdout).not.toContain(sb.token);
      const human = await cli(['integrations', 'list', '--tenant', tenantId], dir);
      expect(human.stdout).toContain(integrationId);
      expect(human.stdout).toContain('HubSpot sandbox');
    });

    it('asks for --tenant when there is no demo tenant', async () => {
      const r = await cli(['integrations', 'list'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--tenant/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('uses the demo tenant of `npm start` (demo.json) when --tenant is not given', async () => {
      const demo = join(dir, 'demo.json');
      writeFileSync(demo, JSON.stringify({ tenantId, integrationId }));
      try {
        const r = await cli(['integrations', 'list', '--json'], dir);
        expect(r.code).toBe(0);
        expect(parseJson(r).integrations).toHaveLength(2);
      } finally {
        rmSync(demo);
      }
    });
  });

  describe('Command: sync', () => {
    it('--dry-run reads everything and writes nothing', async () => {
      const r = await cli(['sync', integrationId, '--full', '--dry-run', '--json'], dir);
      expect(r.code).toBe(0);
      const run = parseJson(r);
      expect(run).toMatchObject({ status: 'succeeded', dryRun: true, mode: 'full', trigger: 'cli' });
      expect(run.stats).toMatchObject({ processed: CONTACTS + COMPANIES + DEALS, created: CONTACTS + COMPANIES + DEALS });
      await withStore(dir, async (stack) => {
        expect(await stack.app.records.count(integrationId)).toBe(0);
        expect((await stack.app.state.get(integrationId, 'contacts'))?.cursor ?? null).toBeNull();
        expect((await stack.app.integrations.get(tenantId, integrationId))?.lastSync).toBeNull();
      });
    });

    it('--full --json runs the engine in process and prints the succeeded run with its counts', async () => {
      const r = await cli(['sync', integrationId, '--tenant', tenantId, '--full', '--json'], dir);
      expect(r.code).toBe(0);
      const run = parseJson(r);
      expect(run).toMatchObject({ integrationId, status: 'succeeded', mode: 'full', dryRun: false, trigger: 'cli', error: null });
      expect(run).not.toHaveProperty('tenantId');
      expect(run.streams.contacts).toMatchObject({ status: 'done', processed: CONTACTS, created: CONTACTS, updated: 0, failed: 0 });
      expect(run.streams.companies).toMatchObject({ processed: COMPANIES, created: COMPANIES });
      expect(run.streams.deals).toMatchObject({ processed: DEALS, created: DEALS });
      expect(run.stats.requests).toBeGreaterThan(0);
      await withStore(dir, async (stack) => {
        expect(await stack.app.records.count(integrationId, 'contacts')).toBe(CONTACTS);
        expect(await stack.app.records.count(integrationId)).toBe(CONTACTS + COMPANIES + DEALS);
        expect((await stack.app.integrations.get(tenantId, integrationId))?.lastSync).toBe(run.finishedAt);
      });
    });

    it('prints a summary table per data type without --json; a re-run finds everything unchanged', async () => {
      const r = await cli(['sync', integrationId, '--full'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/DATA TYPE\s+STATUS\s+PROCESSED\s+CREATED\s+UPDATED\s+UNCHANGED\s+FAILED\s+DELETED\s+PAGES\s+REQUESTS\s+RETRIES\s+429S\s+WAITED\s+DURATION/);
      expect(r.stdout).toMatch(new RegExp(`contacts\\s+done\\s+${CONTACTS}\\s+0\\s+0\\s+${CONTACTS}\\s+0\\s+0`));
      expect(r.stdout).toMatch(new RegExp(`total\\s+${CONTACTS + COMPANIES + DEALS}\\s+0\\s+0\\s+${CONTACTS + COMPANIES + DEALS}`));
      expect(r.stdout).toMatch(/Run [0-9A-Z]{26}: SUCCEEDED/);
    });

    it('--max-records N stops at N records', async () => {
      const r = await cli(['sync', integrationId, '--full', '--data-type', 'contacts', '--max-records', '30', '--json'], dir);
      expect(r.code).toBe(0);
      const run = parseJson(r);
      expect(run.stats.processed).toBe(30);
      expect(Object.keys(run.streams)).toEqual(['contacts']);
      expect(run.streams.contacts.info).toMatchObject({ stoppedAt: 'maxRecords' });
      expect(run.status).toBe('partial');
      expect(run.stats.deleted).toBe(0);
    });

    it('exits 1 with the source error when the run fails, and never shows the token', async () => {
      const r = await cli(['sync', badIntegrationId, '--json'], dir);
      expect(r.code).toBe(1);
      const run = parseJson(r);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/Authentication Failed/);
      expect(r.stdout + r.stderr).not.toContain('pat-na1-wrong-token-9999');
      const human = await cli(['sync', badIntegrationId], dir);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/FAILED/);
      expect(human.stdout).toMatch(/Error: .*Authentication Failed/);
    });

    it('rejects a bad --since with a clear message and exit 2, before touching the store', async () => {
      for (const since of ['yesterday', '2024-13-45', '2024-01-31T08:00:00']) {
        const r = await cli(['sync', integrationId, '--since', since], dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`--since must be a date (2024-01-31) or a date-time with a UTC offset`);
        expect(r.stderr).toContain(`'${since}'`);
      }
      const ok = await cli(['sync', integrationId, '--since', '2020-01-01', '--data-type', 'companies', '--json'], dir);
      expect(ok.code).toBe(0);
      expect(parseJson(ok)).toMatchObject({ since: '2020-01-01', status: 'succeeded', stats: { processed: COMPANIES, unchanged: COMPANIES } });
    });

    it('names the known data types for an unknown --data-type, and says when the integration does not exist', async () => {
      const r = await cli(['sync', integrationId, '--data-type', 'tickets'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown data type tickets for hubspot; known: contacts, companies, deals/);
      const missing = await cli(['sync', '01nosuchintegration0000000'], dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/Integration 01nosuchintegration0000000 was not found/);
      const otherTenant = await cli(['sync', integrationId, '--tenant', 'someone-else'], dir);
      expect(otherTenant.code).toBe(1);
      expect(otherTenant.stderr).toMatch(/not found for tenant someone-else/);
    });
  });

  describe('Commands: data, runs', () => {
    it('data lists the stored records of a data type', async () => {
      const r = await cli(['data', integrationId, '--data-type', 'companies', '--limit', '100', '--json'], dir);
      expect(r.code).toBe(0);
      const out = parseJson(r);
      expect(out.data).toHaveLength(COMPANIES);
      expect(out.data.map((d: { externalId: string }) => d.externalId).sort()).toEqual(sb.store.companies.all().map((c) => c.id).sort());
      expect(out.data[0]).toMatchObject({ integrationId, dataType: 'companies', deleted: false, syncStatus: 'synced' });
      expect(out.data[0].id).toBe(`companies:${out.data[0].externalId}`);
      const human = await cli(['data', integrationId, '--data-type', 'deals', '--limit', '5'], dir);
      expect(human.code).toBe(0);
      expect(human.stdout.trim().split('\n')[0]).toMatch(/^DATA TYPE\s+ID/);
      expect(human.stdout.trim().split('\n').filter((l) => l.startsWith('deals'))).toHaveLength(5);
    });

    it('runs lists the runs newest first', async () => {
      const r = await cli(['runs', integrationId, '--json'], dir);
      expect(r.code).toBe(0);
      const { runs } = parseJson(r);
      // dry run, full, full (summary), max-records, since
      expect(runs).toHaveLength(5);
      expect(runs.map((x: { id: string }) => x.id)).toEqual(runs.map((x: { id: string }) => x.id).sort().reverse());
      expect(runs[runs.length - 1]).toMatchObject({ dryRun: true, trigger: 'cli' });
      expect(runs[0]).toMatchObject({ since: '2020-01-01' });
      const limited = await cli(['runs', integrationId, '--limit', '2'], dir);
      expect(limited.stdout.trim().split('\n')).toHaveLength(3);
      expect(limited.stdout).toContain(runs[0].id);
    });
  });

  describe('Command: notify summary', () => {
    it("sends yesterday's figures to the channels subscribed to daily.summary (delivered by the command when no stack runs)", async () => {
      const rx = await startReceiver(() => 200);
      try {
        const yesterday = previousDay();
        await withStore(dir, async (stack) => {
          await createChannel(stack.app, tenantId, { kind: 'webhook', url: rx.url, events: ['daily.summary'] });
          await stack.app.metrics.add(integrationId, { runs: 2, runsFailed: 1, recordsCreated: 5, recordsUpdated: 2 }, new Date(`${yesterday}T08:00:00Z`));
        });
        const r = await cli(['notify', 'summary', '--json'], dir, { ALLOW_LOOPBACK_TARGETS: undefined });
        expect(r.code).toBe(0);
        // No stack runs on the folder: the command delivers what it queued before exiting.
        expect(parseJson(r)).toEqual({ date: yesterday, tenants: 1, queued: 1 });
        expect(rx.received).toHaveLength(1);
        const sent = JSON.parse(rx.received[0].body.toString());
        expect(sent.event).toBe('daily.summary');
        expect(sent.data.date).toBe(yesterday);
        expect(sent.data.integrations.find((i: { integrationId: string }) => i.integrationId === integrationId)).toMatchObject({ runs: 2, failures: 1, recordsChanged: 7 });

        const human = await cli(['notify', 'summary', '--date', '2026-01-01', '--tenant', tenantId], dir);
        expect([human.code, human.stdout]).toEqual([0, expect.stringMatching(/^Summary of 2026-01-01: 1 delivery sent /)]);
        expect(JSON.parse(rx.received[1].body.toString()).data.date).toBe('2026-01-01');
        const bad = await cli(['notify', 'summary', '--date', 'yesterday'], dir);
        expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--date must be a day/)]);
      } finally {
        await rx.close();
      }
    });
  });

  describe('Usage errors', () => {
    it('exits 2 with a helpful message for an unknown command, a bad option or a missing argument', async () => {
      const unknown = await cli(['frobnicate'], dir);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
      expect(unknown.stderr).toMatch(/switchboard --help/);
      const bad = await cli(['sync', integrationId, '--fast'], dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/unknown option '--fast'/);
      expect(bad.stderr).toMatch(/Usage: switchboard sync <integrationId>/);
      const missing = await cli(['runs'], dir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/missing <integrationId>/);
      const limit = await cli(['runs', integrationId, '--limit', 'ten'], dir);
      expect(limit.code).toBe(2);
      expect(limit.stderr).toMatch(/--limit must be a whole number/);
      const sub = await cli(['tenants', 'delete', 'x'], dir);
      expect(sub.code).toBe(2);
      expect(sub.stderr).toMatch(/unknown command 'tenants delete'/);
      expect(sub.stderr).toMatch(/switchboard tenants create <name>/);
      for (const r of [unknown, bad, missing, limit, sub]) expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('says the data folder is in use when another process holds it without a running stack', async () => {
      await withStore(dir, async () => {
        const r = await cli(['runs', integrationId], dir);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/is in use by another process/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    });

    it('--help shows the command help on stdout and exits 0', async () => {
      const r = await cli(['sync', '--help'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: switchboard sync <integrationId>/);
      for (const o of ['--tenant', '--full', '--dry-run', '--max-records', '--since', '--data-type', '--json', '--data-dir']) expect(r.stdout).toContain(o);
      const top = await cli(['--help'], dir);
      expect(top.code).toBe(0);
      expect(top.stdout).toMatch(/tenants create/);
      expect(top.stdout).toMatch(/integrations list/);
    });
  });

  describe('With a running stack on the same data folder', () => {
    let stack: LocalStack;
    let live: string;

    beforeAll(async () => {
      live = mkdtempSync(join(tmpdir(), 'sb-cli-live-'));
      stack = await startLocalStack({ dataDir: live, port: 0, connectors });
    });
    afterAll(async () => {
      await stack?.close();
      rmSync(live, { recursive: true, force: true });
    });

    it("shares the stack's store: a tenant the CLI creates is there for the stack, and a CLI sync lands in it", async () => {
      expect(existsSync(stackFile(live))).toBe(true);
      const r = await cli(['tenants', 'create', 'beta', '--json'], live);
      expect(r.code).toBe(0);
      const { tenantId: beta, apiKey } = parseJson(r);
      await expect(stack.app.tenants.resolve(apiKey)).resolves.toBe(beta);
      const res = await fetch(`${stack.url}/api/integrations`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ integrations: [], nextCursor: null });

      const i = await new IntegrationService(stack.app).create(beta, { name: 'live', type: 'hubspot', config: { baseUrl: sb.url, accessToken: sb.token } });
      const s = await cli(['sync', i.id, '--full', '--data-type', 'deals', '--json'], live);
      expect(s.code).toBe(0);
      expect(parseJson(s)).toMatchObject({ status: 'succeeded', stats: { created: DEALS } });
      expect(await stack.app.records.count(i.id, 'deals')).toBe(DEALS);
      const runs = await fetch(`${stack.url}/api/integrations/${i.id}/runs`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(((await runs.json()) as { runs: { trigger: string; status: string }[] }).runs).toMatchObject([{ trigger: 'cli', status: 'succeeded' }]);
      // The stack is still the one serving the folder.
      expect(existsSync(stackFile(live))).toBe(true);
    });

    it('syncs a loopback integration the stack synced, with no loopback setting in the environment (one local default)', async () => {
      const { tenantId: t } = await stack.app.tenants.createTenant('loopback');
      const svc = new IntegrationService(stack.app);
      const i = await svc.create(t, { name: 'loopback', type: 'hubspot', config: { baseUrl: sb.url, accessToken: sb.token } });
      const viaStack = await svc.requestSync(i, { mode: 'full', dataTypes: ['companies'] }, 'manual');
      await stack.queues.drain();
      expect((await stack.app.runs.get(i.id, viaStack.id))?.status).toBe('succeeded');

      const s = await cli(['sync', i.id, '--full', '--data-type', 'deals', '--json'], live, { ALLOW_LOOPBACK_TARGETS: undefined });
      expect(s.stderr).not.toMatch(/target_not_allowed|loopback/);
      expect(s.code).toBe(0);
      expect(parseJson(s)).toMatchObject({ status: 'succeeded', stats: { created: DEALS } });
    });
  });
});
