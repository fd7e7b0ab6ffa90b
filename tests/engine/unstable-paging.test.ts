import { executeRun } from '../../shared/engine/engine';
import { newRun, type Run } from '../../shared/store/runs';
import { startGenericRestSandbox, type GenericRestSandbox } from '../sandboxes/generic-rest';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Offset paging with no sort order, as CallRail's lists: positions shift when the source reorders the list mid-read. */
const OFFSET = { name: 'items', path: '/api/offset/items', recordsPath: 'records', pagination: { kind: 'offset', param: 'offset', sizeParam: 'limit', size: 10 } };

describe('Deletions on offset-paged, reorderable lists', () => {
  let stack: TestStack;
  let sandbox: GenericRestSandbox;
  beforeEach(async () => {
    stack = await startTestStack();
    sandbox = await startGenericRestSandbox({ items: 45 });
  });
  afterEach(async () => {
    await sandbox.close();
    await stack.close();
  });

  async function setup() {
    const created = await stack.svc.create(stack.tenantId, { name: 'offset', type: 'custom_api', config: { baseUrl: sandbox.url, streams: [OFFSET] } });
    const i = (await stack.app.integrations.get(stack.tenantId, created.id))!;
    const full = async (onPage?: (page: number) => void): Promise<Run> => {
      const run = newRun(i, { mode: 'full', dryRun: false }, 'manual');
      await stack.app.runs.create(run);
      let pages = 0;
      await executeRun(stack.app, { kind: 'sync', tenantId: i.tenantId, integrationId: i.id, runId: run.id, continuation: 0 }, {
        remainingMs: () => Infinity,
        safetyMarginMs: 0,
        onProgress: () => onPage?.(++pages),
      });
      return (await stack.app.runs.get(i.id, run.id))!;
    };
    return { full, integrationId: i.id };
  }
  const deleted = async (integrationId: string, id: string) => (await stack.app.records.get(integrationId, 'items', id))?.deleted;

  it('a record reordered to page 1 during a full run is not marked deleted; one really gone is marked once a second full run confirms it', async () => {
    const { full, integrationId } = await setup();
    expect((await full()).stats.created).toBe(45);

    // Mid-run the last record (page 5) moves to the front: page 1 was read before, pages 2–5 read after, so no request returns it.
    const moved = sandbox.items[44].id;
    const reordered = await full((page) => page === 2 && sandbox.items.unshift(sandbox.items.pop()!));
    expect(reordered.status).toBe('succeeded');
    expect(reordered.stats.deleted).toBe(0);
    expect(reordered.streams.items.info).toMatchObject({ deletionsPending: 1 });
    expect(await deleted(integrationId, moved)).toBe(false);

    // Seen again by the next full run: no longer a suspect, never deleted.
    expect((await full()).stats.deleted).toBe(0);
    expect(await deleted(integrationId, moved)).toBe(false);

    const gone = sandbox.items.splice(20, 1)[0].id;
    const first = await full();
    expect(first.stats.deleted).toBe(0);
    expect(await deleted(integrationId, gone)).toBe(false);
    const second = await full();
    expect(second.stats.deleted).toBe(1);
    expect(await deleted(integrationId, gone)).toBe(true);
    expect(await deleted(integrationId, moved)).toBe(false);
  });
});
