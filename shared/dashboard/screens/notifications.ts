import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { call, enc, type Channel, type NotificationDelivery as Delivery } from '../api';
import { Confirm, ErrorBox, Loading, Status, Time, useAction, useGet } from '../ui';

/** The events a channel can subscribe to (shared/notify/events.ts). */
const EVENTS = ['run.failed', 'run.succeeded', 'integration.error', 'integration.recovered', 'webhook.rejected_burst', 'daily.summary'];

export function Notifications() {
  const channels = useGet<{ channels: Channel[] }>('/api/notifications/channels');
  const deliveries = useGet<{ deliveries: Delivery[] }>('/api/notifications/deliveries?limit=50');
  const [doomed, setDoomed] = useState<Channel>();
  const dialog = useRef<HTMLDialogElement>(null);
  const remove = useAction(async (c: Channel) => {
    await call('DELETE', `/api/notifications/channels/${enc(c.id)}`);
    channels.reload();
  });
  const ask = (c: Channel) => {
    setDoomed(c);
    dialog.current?.showModal();
  };
  return html`
    <h1>Notifications</h1>
    <p class="muted">Slack incoming webhooks and signed outgoing webhooks for run and health events and the daily summary.</p>
    <h2>Channels</h2>
    <${ErrorBox} error=${channels.error || remove.error} />
    ${!channels.data && !channels.error ? html`<${Loading} what="channels" />` : null}
    ${channels.data
      ? channels.data.channels.length === 0
        ? html`<p class="muted">No channels yet.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>Name</th><th>Kind</th><th>URL</th><th>Events</th><th>State</th><th></th></tr></thead>
          <tbody>${channels.data.channels.map((c) => html`<tr>
            <td>${c.name ?? '—'}</td><td>${c.kind}</td><td><code>${c.url}</code></td>
            <td>${c.events.join(', ')}${c.events.includes('daily.summary') ? html`<div class="small muted">summary at ${c.summaryHour ?? 7}:00 ${c.timeZone ?? 'UTC'}</div>` : null}</td>
            <td>${c.broken ? html`<${Status} status="broken" /> <span class="small">${c.broken.reason}</span>` : html`<${Status} status="active" />`}</td>
            <td><button type="button" class="secondary" onClick=${() => ask(c)}>Delete</button></td>
          </tr>`)}</tbody>
        </table></div>`
      : null}
    <${Confirm} dialogRef=${dialog} title=${`Delete channel ${doomed?.name ?? doomed?.url ?? ''}?`} yes="Delete" danger onYes=${() => doomed && void remove.run(doomed)}>
      Nothing more is sent to it.
    </${Confirm}>
    <${NewChannel} onCreated=${channels.reload} />
    <h2>Deliveries</h2>
    <${ErrorBox} error=${deliveries.error} />
    ${deliveries.data
      ? deliveries.data.deliveries.length === 0
        ? html`<p class="muted">Nothing delivered yet.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>When</th><th>Event</th><th>Channel</th><th>Outcome</th><th>Attempts</th></tr></thead>
          <tbody>${deliveries.data.deliveries.map((d) => html`<tr>
            <td><${Time} iso=${d.at} /></td><td>${d.event}</td><td>${d.kind} <code class="small">${d.url}</code></td>
            <td><${Status} status=${d.outcome} />${d.channelBroken ? html`<div class="small err-text">${d.channelBroken}</div>` : null}</td>
            <td>${d.attempts.map((a) => a.status ?? a.error ?? '?').join(', ')}</td>
          </tr>`)}</tbody>
        </table></div>`
      : null}
    <div class="actions"><button type="button" class="secondary" onClick=${deliveries.reload}>Refresh deliveries</button></div>`;
}

function NewChannel({ onCreated }: { onCreated(): void }) {
  const [kind, setKind] = useState<'slack' | 'webhook'>('slack');
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [events, setEvents] = useState<string[]>(['run.failed', 'integration.error']);
  const [hour, setHour] = useState('');
  const [zone, setZone] = useState('');
  const [secret, setSecret] = useState<string>();
  const create = useAction(async () => {
    const body: Record<string, unknown> = { kind, url, events, ...(name ? { name } : {}) };
    if (events.includes('daily.summary') && hour !== '') body.summaryHour = Number(hour);
    if (events.includes('daily.summary') && zone) body.timeZone = zone;
    const { body: r } = await call<{ secret?: string }>('POST', '/api/notifications/channels', { body });
    setSecret(r.secret);
    setUrl('');
    setName('');
    onCreated();
  });
  const toggle = (e: string, on: boolean) => setEvents(on ? [...events, e] : events.filter((x) => x !== e));
  return html`
    <h2>New channel</h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void create.run())}>
      <label>Kind
        <select value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as 'slack' | 'webhook')}>
          <option value="slack">slack</option><option value="webhook">webhook</option>
        </select>
      </label>
      <label>${kind === 'slack' ? 'Slack incoming webhook URL' : 'Webhook URL'}
        <input type=${kind === 'slack' ? 'password' : 'url'} required value=${url} onInput=${(e: Event) => setUrl((e.target as HTMLInputElement).value)} />
      </label>
      <label>Channel name <input maxlength="100" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></label>
      <fieldset><legend>Events</legend>
        ${EVENTS.map((ev) => html`<label class="check"><input type="checkbox" checked=${events.includes(ev)} onChange=${(e: Event) => toggle(ev, (e.target as HTMLInputElement).checked)} /> ${ev}</label>`)}
      </fieldset>
      ${events.includes('daily.summary')
        ? html`<label>Summary hour (0-23) <input type="number" min="0" max="23" step="1" placeholder="7" value=${hour} onInput=${(e: Event) => setHour((e.target as HTMLInputElement).value)} /></label>
          <label>Time zone <input placeholder="UTC" value=${zone} onInput=${(e: Event) => setZone((e.target as HTMLInputElement).value)} /></label>`
        : null}
      <div class="actions"><button type="submit" disabled=${create.pending || events.length === 0}>Add channel</button></div>
    </form>
    ${secret ? html`<div class="notice" role="status"><strong>Signing secret (shown only this once):</strong><pre>${secret}</pre><p class="small">Receivers check <code>X-Switchboard-Signature</code>: hex HMAC-SHA256 of <code>timestamp.body</code> with it.</p></div>` : null}
    <${ErrorBox} error=${create.error} />`;
}
