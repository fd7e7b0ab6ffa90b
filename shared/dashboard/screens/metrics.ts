import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { enc, qs } from '../api';
import { ErrorBox, Loading, useGet } from '../ui';
import { fmtMs } from './runs';

type Row = { date: string } & Record<string, number | string>;
interface MetricsReply {
  series: Row[];
  totals: Record<string, number>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Every day of the range, so a day without runs shows as zero rather than disappearing. */
function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(start); t <= Date.parse(end) && out.length < 400; t += 86_400_000) out.push(day(new Date(t)));
  return out;
}

/** A bar per day as inline SVG, with each bar's value as its tooltip and the whole described for screen readers. */
export function BarChart({ title, dates, values, format = String, bad }: { title: string; dates: string[]; values: number[]; format?: (n: number) => string; bad?: boolean }) {
  const max = Math.max(1, ...values);
  const w = 900;
  const h = 120;
  const bw = w / Math.max(1, dates.length);
  const total = values.reduce((a, b) => a + b, 0);
  return html`<figure class=${`chart${bad ? ' bad' : ''}`}>
    <figcaption><strong>${title}</strong> <span class="muted">(total ${format(total)}, peak ${format(Math.max(0, ...values))})</span></figcaption>
    <svg viewBox=${`0 0 ${w} ${h + 20}`} role="img" aria-label=${`${title} per day: ${dates.map((d, i) => `${d} ${format(values[i])}`).join(', ')}`}>
      ${values.map((v, i) => html`<rect x=${i * bw + 1} y=${h - (v / max) * h} width=${Math.max(1, bw - 2)} height=${(v / max) * h}><title>${dates[i]}: ${format(v)}</title></rect>`)}
      <line x1="0" x2=${w} y1=${h + 0.5} y2=${h + 0.5} />
      <text x="0" y=${h + 15}>${dates[0]}</text>
      <text x=${w} y=${h + 15} text-anchor="end">${dates[dates.length - 1]}</text>
    </svg>
  </figure>`;
}

export function Metrics({ integrationId }: { integrationId: string }) {
  const [end, setEnd] = useState(day(new Date()));
  const [start, setStart] = useState(day(new Date(Date.now() - 29 * 86_400_000)));
  const m = useGet<MetricsReply>(start && end ? `/api/integrations/${enc(integrationId)}/metrics${qs({ startDate: start, endDate: end })}` : null);
  const dates = days(start, end);
  const by = new Map((m.data?.series ?? []).map((r) => [r.date, r]));
  const values = (f: (r: Row) => number) => dates.map((d) => (by.has(d) ? f(by.get(d)!) : 0));
  const n = (r: Row, k: string) => Number(r[k] ?? 0);
  return html`
    <h2>Metrics</h2>
    <div class="filters">
      <label>From <input type="date" value=${start} max=${end} onChange=${(e: Event) => setStart((e.target as HTMLInputElement).value)} /></label>
      <label>To <input type="date" value=${end} min=${start} onChange=${(e: Event) => setEnd((e.target as HTMLInputElement).value)} /></label>
    </div>
    <${ErrorBox} error=${m.error} />
    ${m.loading && !m.error ? html`<${Loading} what="metrics" />` : null}
    ${m.data
      ? html`
        <${BarChart} title="Records synced (created, updated, deleted)" dates=${dates} values=${values((r) => n(r, 'recordsCreated') + n(r, 'recordsUpdated') + n(r, 'recordsDeleted'))} />
        <${BarChart} title="Failures (failed runs and records)" bad dates=${dates} values=${values((r) => n(r, 'runsFailed') + n(r, 'recordsFailed'))} />
        <${BarChart} title="Sync time" dates=${dates} values=${values((r) => n(r, 'durationMs'))} format=${fmtMs} />
        <${BarChart} title="Runs" dates=${dates} values=${values((r) => n(r, 'runs'))} />`
      : null}`;
}
