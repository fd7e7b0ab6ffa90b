import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { call, enc, qs, type Integration, type WebhookEvent as LogEntry, type WebhookStatus } from '../api';
import { ErrorBox, Loading, Pager, Status, Time, useAction, useGet, usePages } from '../ui';

/** Providers whose signing secret Switchboard generates (shared/webhooks/provision.ts); the rest use the vendor's. */
const WE_CHOOSE = ['cdk', 'generic'];

export function Webhooks({ i }: { i: Integration }) {
  const status = useGet<WebhookStatus>(`/api/integrations/${enc(i.id)}/webhook`);
  const pages = usePages();
  const log = useGet<{ events: LogEntry[]; nextCursor?: string | null }>(`/api/integrations/${enc(i.id)}/events${qs({ limit: 25, cursor: pages.cursor })}`);
  const [secret, setSecret] = useState('');
  const [shown, setShown] = useState<string>();
  const save = useAction(async (body: Record<string, unknown>) => {
    const { body: r } = await call<WebhookStatus & { secret?: string; authorization?: string }>('PUT', `/api/integrations/${enc(i.id)}/webhook`, { body });
    setShown(r.secret ?? r.authorization);
    setSecret('');
    status.reload();
  });
  if (status.error) return html`<h2>Webhooks</h2><${ErrorBox} error=${status.error} />`;
  if (!status.data) return html`<${Loading} what="webhook settings" />`;
  const s = status.data;
  const ours = WE_CHOOSE.includes(s.provider);
  return html`
    <h2>Webhooks</h2>
    <dl class="facts">
      <dt>URL to give the vendor</dt><dd><code>${s.url}</code></dd>
      <dt>Signing secret</dt><dd>${s.secretConfigured ? 'set' : 'not set: events are refused until it is'}</dd>
      ${s.signatureHeader ? html`<dt>Signature header</dt><dd><code>${s.signatureHeader}</code>, timestamp in <code>${s.timestampHeader}</code></dd>` : null}
    </dl>
    ${ours
      ? html`<div class="actions">
          <button type="button" disabled=${save.pending} onClick=${() => save.run(s.secretConfigured ? { rotateSecret: true } : {})}>${s.secretConfigured ? 'Rotate secret' : 'Generate secret'}</button>
        </div>`
      : html`<form onSubmit=${(e: Event) => (e.preventDefault(), void save.run({ secret }))}>
          <label>Vendor's signing secret
            <input type="password" autocomplete="new-password" required minlength="8" value=${secret} onInput=${(e: Event) => setSecret((e.target as HTMLInputElement).value)} />
          </label>
          <div class="actions"><button type="submit" disabled=${save.pending}>Save secret</button></div>
        </form>`}
    ${shown ? html`<div class="notice" role="status"><strong>Copy it now: it is shown only this once.</strong><pre>${shown}</pre></div>` : null}
    <${ErrorBox} error=${save.error} />
    <h3>Event log</h3>
    <${ErrorBox} error=${log.error} />
    ${log.data
      ? log.data.events.length === 0
        ? html`<p class="muted">No events received yet.</p>`
        : html`<div class="scroll"><table>
          <thead><tr><th>Received</th><th>Outcome</th><th>Event</th><th>Reason</th></tr></thead>
          <tbody>${log.data.events.map((e) => html`<tr><td><${Time} iso=${e.receivedAt} /></td><td><${Status} status=${e.outcome} /></td><td><code>${e.providerEventId ?? e.eventKey.slice(0, 16)}</code></td><td>${e.reason ?? ''}</td></tr>`)}</tbody>
        </table></div>`
      : null}
    <${Pager} p=${pages} next=${log.data?.nextCursor} back="Newer events" more="Older events" />`;
}
