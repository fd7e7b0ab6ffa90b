import type { ReportFigures } from './figures';
import { Raster, textWidth, type Rgb } from './png';

/** A bar chart: the same layout is drawn as SVG for the web view and as PNG for mail clients. */
export interface Chart {
  id: string;
  title: string;
  bars: { label: string; value: number }[];
}

const W = 560;
const H = 260;
const PLOT = { left: 44, right: W - 12, top: 40, bottom: H - 34 };
const INK: Rgb = [51, 51, 51];
const MUTED: Rgb = [136, 136, 136];
const BAR: Rgb = [44, 110, 177];
const GRID: Rgb = [221, 221, 221];

type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; color: Rgb }
  | { kind: 'text'; x: number; y: number; text: string; scale: 1 | 2; middle?: boolean; right?: boolean; color: Rgb };

/** The charts a report's figures have data for: calls per hour, by type, by office; outcomes for every flow. */
export function chartsOf(f: ReportFigures, officeNames: Record<string, string> = {}): Chart[] {
  const charts: Chart[] = [];
  const c = f.calls;
  const hours = c?.byHour as Record<string, number> | undefined;
  if (c && c.processed > 0 && hours) {
    charts.push({ id: 'calls-per-hour', title: 'Calls per hour', bars: Array.from({ length: 24 }, (_, h) => ({ label: String(h).padStart(2, '0'), value: hours[String(h).padStart(2, '0')] ?? 0 })) });
  }
  if (c && c.processed > 0 && c.byType) charts.push({ id: 'calls-by-type', title: 'Calls by type', bars: entries(c.byType, (k) => k.replace(/_/g, ' ')) });
  if (c && c.processed > 0 && c.byOffice && Object.keys(c.byOffice).length) charts.push({ id: 'calls-by-office', title: 'Calls by office', bars: entries(c.byOffice, (k) => officeNames[k] ?? k) });
  charts.push(
    c
      ? { id: 'results', title: 'Results', bars: [
          { label: 'Leads created', value: c.leadsCreated },
          { label: 'Leads updated', value: c.leadsUpdated },
          { label: 'Skipped', value: Object.values(c.skipped).reduce((s, n) => s + n, 0) },
          { label: 'Failed', value: c.failed },
        ] }
      : { id: 'results', title: 'Records by result', bars: [
          { label: 'Transferred', value: f.summary.successful_transfers },
          { label: 'Failed', value: f.summary.failed_transfers },
          { label: 'Duplicates', value: f.summary.duplicates_skipped },
        ] },
  );
  return charts;
}

const entries = (m: Record<string, number>, label: (k: string) => string) =>
  Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, value]) => ({ label: label(k), value }));

/** A round axis maximum at or above `max` (1, 2, 5 × 10^n). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max)!;
}

function layout(chart: Chart): Shape[] {
  const shapes: Shape[] = [{ kind: 'text', x: 12, y: 12, text: chart.title, scale: 2, color: INK }];
  const top = niceMax(Math.max(0, ...chart.bars.map((b) => b.value)));
  const plotH = PLOT.bottom - PLOT.top;
  for (const v of [0, top / 2, top]) {
    const y = PLOT.bottom - (v / top) * plotH;
    shapes.push({ kind: 'rect', x: PLOT.left, y, w: PLOT.right - PLOT.left, h: 1, color: GRID });
    if (Number.isInteger(v)) shapes.push({ kind: 'text', x: PLOT.left - 6, y: y - 3, text: String(v), scale: 1, right: true, color: MUTED });
  }
  const slot = (PLOT.right - PLOT.left) / Math.max(1, chart.bars.length);
  const chars = Math.max(2, Math.floor((slot - 2) / 6));
  chart.bars.forEach((b, i) => {
    const h = (b.value / top) * plotH;
    const x = PLOT.left + i * slot;
    const mid = x + slot / 2;
    shapes.push({ kind: 'rect', x: x + slot * 0.15, y: PLOT.bottom - h, w: slot * 0.7, h, color: BAR });
    if (b.value > 0 && String(b.value).length <= chars) shapes.push({ kind: 'text', x: mid, y: PLOT.bottom - h - 10, text: String(b.value), scale: 1, middle: true, color: INK });
    shapes.push({ kind: 'text', x: mid, y: PLOT.bottom + 8, text: b.label.length > chars ? `${b.label.slice(0, chars - 1)}.` : b.label, scale: 1, middle: true, color: INK });
  });
  return shapes;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hex = (c: Rgb) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Inline SVG for the web view; labels are real text (selectable, scalable), with the full label as a tooltip. */
export function chartSvg(chart: Chart): string {
  const body = layout(chart)
    .map((s) =>
      s.kind === 'rect'
        ? `<rect x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" width="${s.w.toFixed(1)}" height="${s.h.toFixed(1)}" fill="${hex(s.color)}"/>`
        : `<text x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" font-size="${s.scale === 2 ? 16 : 11}" fill="${hex(s.color)}" dominant-baseline="hanging"${s.middle ? ' text-anchor="middle"' : s.right ? ' text-anchor="end"' : ''}>${esc(s.text)}</text>`,
    )
    .join('');
  const bars = chart.bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`${chart.title}: ${bars}`)}" font-family="Arial, Helvetica, sans-serif" data-chart="${chart.id}">${body}</svg>`;
}

/** The same chart as a PNG, for mail clients that show no SVG. */
export function chartPng(chart: Chart): Buffer {
  const r = new Raster(W, H);
  for (const s of layout(chart)) {
    if (s.kind === 'rect') r.rect(s.x, s.y, s.w, s.h, s.color);
    else r.text(s.middle ? s.x - textWidth(s.text, s.scale) / 2 : s.right ? s.x - textWidth(s.text, s.scale) : s.x, s.y, s.text, s.color, s.scale);
  }
  return r.png();
}

export const CHART_SIZE = { width: W, height: H };
