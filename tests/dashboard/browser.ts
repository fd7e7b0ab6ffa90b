import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where each screen's screenshot goes (git-ignored): test artifacts, two of them copied into resources/docs. */
export const SCREENSHOTS = join(__dirname, '..', 'screenshots');

/** Debian's chromium, headless; playwright-core downloads nothing. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  /** Saves a screenshot of the screen, after checking it with accessibilityProblems (throws on any). */
  shot(name: string): Promise<void>;
}

/**
 * What Chromium's accessibility tree says is wrong with the visible controls: a button or link whose accessible
 * name is not its visible text, or a form field without a label (a placeholder is not one). Hidden controls (a closed dialog's)
 * are not in the tree and are not checked.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const controls = (await page.evaluate(`[...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea')].map((el, i) => {
    el.setAttribute('data-a11y', String(i));
    return { tag: el.tagName.toLowerCase(), text: (el.innerText || '').replace(/\\s+/g, ' ').trim(), placeholder: el.getAttribute('placeholder') };
  })`)) as { tag: string; text: string; placeholder: string | null }[];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1 })) as { root: DomNode };
    const index = new Map<number, number>();
    const walk = (n: DomNode) => {
      const at = n.attributes?.indexOf('data-a11y') ?? -1;
      if (at >= 0) index.set(n.backendNodeId, Number(n.attributes![at + 1]));
      n.children?.forEach(walk);
    };
    walk(root);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { ignored: boolean; backendDOMNodeId?: number; role?: { value: string }; name?: { value: string } }[] };
    const problems: string[] = [];
    for (const n of nodes) {
      const i = n.backendDOMNodeId === undefined ? undefined : index.get(n.backendDOMNodeId);
      if (i === undefined || n.ignored) continue;
      const c = controls[i];
      const name = (n.name?.value ?? '').replace(/\s+/g, ' ').trim();
      if ((c.tag === 'button' || c.tag === 'a') && name !== c.text) problems.push(`${c.tag} "${c.text}" is named "${name}"`);
      // A placeholder names a field only until something is typed: it is no label.
      if (c.tag !== 'button' && c.tag !== 'a' && (!name || name === c.placeholder)) problems.push(`${c.tag} (${n.role?.value}) has no label`);
    }
    return problems;
  } finally {
    await cdp.detach();
  }
}
interface DomNode {
  backendNodeId: number;
  attributes?: string[];
  children?: DomNode[];
}

/**
 * A page whose console errors and uncaught exceptions are collected (Chromium also reports an HTTP error
 * answer to fetch() as a console error, "Failed to load resource: … 409"), so a test can require exactly the
 * ones it provoked.
 */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const shot = async (name: string) => {
    const problems = await accessibilityProblems(page);
    if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  return { page, errors, shot };
}
