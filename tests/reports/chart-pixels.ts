import type { Browser } from 'playwright-core';
import { CHART_SIZE } from '../../shared/reports/charts';

/** Chromium decodes the PNG and reads its pixels back: how many rows of bar colour each bar's column has. */
export async function barHeights(browser: Browser, png: Buffer, bars: number): Promise<{ width: number; height: number; heights: number[] }> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ({ src, bars, left, right }) => {
        // Runs in the page: its DOM, not this program's types.
        const doc = (globalThis as any).document; // eslint-disable-line @typescript-eslint/no-explicit-any
        const img = new (globalThis as any).Image(); // eslint-disable-line @typescript-eslint/no-explicit-any
        img.src = src;
        await img.decode();
        const canvas = doc.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const slot = (right - left) / bars;
        const heights = Array.from({ length: bars }, (_, i) => {
          const x = Math.round(left + i * slot + slot * 0.3);
          const col = ctx.getImageData(x, 0, 1, canvas.height).data;
          let n = 0;
          for (let y = 0; y < canvas.height; y++) if (col[y * 4] === 44 && col[y * 4 + 1] === 110 && col[y * 4 + 2] === 177) n++;
          return n;
        });
        return { width: img.naturalWidth, height: img.naturalHeight, heights };
      },
      { src: `data:image/png;base64,${png.toString('base64')}`, bars, left: 44, right: CHART_SIZE.width - 12 },
    );
  } finally {
    await page.close();
  }
}
