import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { api } from '../helpers/http';
import type { TestStack } from '../helpers/stack';
import { openDashboard, type DashboardSession } from './session';

const CSV = ['email,first_name,city', 'ann@example.com,Ann,"Austin, TX"', 'bob@example.com,Bob,Boston', ',Nobody,Nowhere', 'ann@example.com,Ann again,Dallas'].join('\r\n');

/** Bulk import and export in Debian's chromium: a file integration's upload (preview, row errors, import) and the data browser's download. */
describe('Dashboard: upload a file, download an export', () => {
  let w: DashboardSession;
  let stack: TestStack;
  let page: Page;
  let id: string;

  beforeAll(async () => {
    w = await openDashboard();
    ({ stack, page } = w);
    id = (await api(stack.url!, stack.apiKey)('POST', '/api/integrations', { name: 'Lead sheet', type: 'file', config: { dataType: 'leads', idColumn: 'email' } })).body.id;
    await page.goto(`${stack.url}/`);
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });
  afterAll(() => w?.close());

  const main = () => page.getByRole('main');
  const stored = async () => (await api(stack.url!, stack.apiKey)('GET', `/api/integrations/${id}/data?dataType=leads`)).body.data.length;

  it('previews the first rows and the refused ones without writing, then imports', async () => {
    await main().getByRole('link', { name: 'Lead sheet' }).click();
    expect(await main().getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await main().getByRole('link', { name: 'Upload a file' }).click();
    await page.getByLabel('File').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await main().getByRole('button', { name: 'Preview' }).click();
    await main().getByRole('status').getByText('Preview: nothing imported yet').waitFor();
    const first = main().getByRole('table', { name: 'First rows' });
    expect(await first.getByRole('row').allInnerTexts()).toEqual(['Row\tId\temail\tfirst_name\tcity', '2\tann@example.com\tann@example.com\tAnn\tAustin, TX', '3\tbob@example.com\tbob@example.com\tBob\tBoston']);
    const refused = main().getByRole('table', { name: 'Rows refused' });
    expect(await refused.getByRole('row').allInnerTexts()).toEqual([
      'Row\tId\tReason',
      '4\t\tmissing id (column "email")',
      '5\tann@example.com\tduplicate id "ann@example.com" (first on row 2)',
    ]);
    expect(await stored()).toBe(0);
    await w.shot('20-upload-preview');

    await main().getByRole('button', { name: 'Import' }).click();
    await main().getByRole('status').getByText('Imported, some rows refused').waitFor();
    await main().getByText('4 rows: 2 new, 0 changed, 0 unchanged, 2 refused.').waitFor();
    expect(await stored()).toBe(2);
    await main().getByRole('link', { name: "See the import's run" }).click();
    await main().getByText('import', { exact: true }).first().waitFor();
    expect(w.errors).toEqual([]);
  });

  it('downloads every record of a data type from the data browser', async () => {
    await page.goto(`${stack.url}/integrations/${id}/data`);
    await expect(main().getByRole('button', { name: 'Download CSV' }).isDisabled()).resolves.toBe(true);
    await main().getByLabel('Data type').selectOption('leads');
    const [csv] = await Promise.all([page.waitForEvent('download'), main().getByRole('button', { name: 'Download CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('leads.csv');
    const text = readFileSync((await csv.path())!, 'utf8').split('\r\n');
    expect(text[0]).toBe('_externalId,_updatedAt,email,first_name,city');
    expect(text.filter(Boolean)).toHaveLength(3);
    expect(text.some((l) => l.includes('"Austin, TX"'))).toBe(true);
    const [nd] = await Promise.all([page.waitForEvent('download'), main().getByRole('button', { name: 'Download NDJSON' }).click()]);
    expect(nd.suggestedFilename()).toBe('leads.ndjson');
    const lines = readFileSync((await nd.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.externalId).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    await w.shot('21-data-download');
    expect(w.errors).toEqual([]);
  });
});
