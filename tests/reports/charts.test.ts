import type { Browser } from 'playwright-core';
import { chartPng, chartSvg, CHART_SIZE, type Chart } from '../../shared/reports/charts';
import { launchChromium } from '../dashboard/browser';
import { barHeights } from './chart-pixels';

describe('Charts', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launchChromium()));
  afterAll(() => browser.close());

  const chart: Chart = { id: 'calls-by-type', title: 'Calls by type', bars: [{ label: 'accepted', value: 6 }, { label: 'missed', value: 3 }, { label: 'missed with voicemail', value: 0 }] };

  it('draws a PNG Chromium decodes, each bar as tall as its value says', async () => {
    const { width, height, heights } = await barHeights(browser, chartPng(chart), 3);
    expect([width, height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(heights[0]).toBeGreaterThan(100);
    expect(heights[1] / heights[0]).toBeCloseTo(0.5, 1);
    expect(heights[2]).toBe(0);
  });

  it('draws the same chart as SVG with its labels and values as text', async () => {
    const svg = chartSvg(chart);
    expect(svg).toContain('aria-label="Calls by type: accepted: 6, missed: 3, missed with voicemail: 0"');
    expect([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(expect.arrayContaining(['Calls by type', 'accepted', '6', 'missed', '3']));
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const bars = await page.$$eval('svg rect[fill="#2c6eb1"]', (rs) => rs.map((r) => (r as any).getBBox().height as number));
    await page.close();
    expect(bars[1] / bars[0]).toBeCloseTo(0.5, 2);
  });
});
