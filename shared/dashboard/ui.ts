/** Building blocks every screen shares: routing, data loading, error display, formatting. */
import { html } from 'htm/preact';
import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from './api';

// ---- routing: the History API, so every screen has a real URL (the server falls back to index.html) ----

const routeListeners = new Set<() => void>();
export function navigate(to: string, replace = false) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  routeListeners.forEach((l) => l());
  window.scrollTo(0, 0);
}
addEventListener('popstate', () => routeListeners.forEach((l) => l()));

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, bump] = useState(0);
  useEffect(() => {
    const l = () => bump((n) => n + 1);
    routeListeners.add(l);
    return () => void routeListeners.delete(l);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** `/integrations/:id/runs/:runId` against a path: the named parts, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const parts = (x: string) => x.replace(/\/+$/, '').split('/');
  const p = parts(pattern);
  const s = parts(path);
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return undefined;
  }
  return out;
}

export function Link({ href, children, class: cls, current }: { href: string; children?: unknown; class?: string; current?: boolean }) {
  const go = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} class=${cls} aria-current=${current ? 'page' : undefined} onClick=${go}>${children}</a>`;
}

// ---- data ----

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * GETs `path` (none while it is null), and again every `pollMs` while `poll(data)` says so. A newer answer
 * replaces an older one only if the path is still the same.
 */
export function useGet<T>(path: string | null, opts: { pollMs?: number; poll?: (d: T) => boolean } = {}): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; path?: string | null }>({});
  const [n, setN] = useState(0);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(() => setN((x) => x + 1), []);
  useEffect(() => {
    if (path === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    get<T>(path).then(
      (data) => {
        if (!alive || current.current !== path) return;
        setState({ data, path });
        if (opts.pollMs && (!opts.poll || opts.poll(data))) timer = setTimeout(() => setN((x) => x + 1), opts.pollMs);
      },
      (error) => alive && current.current === path && setState((s) => ({ ...s, error, path })),
    );
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, [path, n]);
  const fresh = state.path === path;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, loading: !fresh || (!state.data && !state.error), reload };
}

/** Runs an action, keeping its pending state and error for the screen. */
export function useAction<A extends unknown[], R>(fn: (...a: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...a: A): Promise<R | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await fn(...a);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clear: () => setError(undefined) };
}

// ---- display ----

/** What to do about an API error, by its stable code (shared/errors.ts). */
const ADVICE: Record<string, string> = {
  version_conflict: 'Someone changed this integration after you opened it. Reload to see their version, then make your change again.',
  validation_error: 'Fix the fields named below and save again.',
  invalid_api_key: 'The API key is wrong or was revoked. Sign in again with a valid key.',
  network_error: 'Check that npm start (or the deployed API) is running, then retry.',
  unknown_integration_type: 'Pick a connector from the catalog.',
  not_found: 'It may have been deleted. Go back to the overview.',
  route_not_found: 'This Switchboard does not offer that yet.',
};

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'error', error instanceof Error ? error.message : String(error));
  const advice = ADVICE[e.code] ?? (e.status === 409 ? ADVICE.version_conflict : undefined);
  return html`<div class="error" role="alert">
    <strong>${title ?? (e.code === 'version_conflict' ? 'Edit conflict' : 'Something went wrong')}</strong>
    <p>${e.message} <code>${e.code}</code></p>
    ${e.details.length ? html`<ul>${e.details.map((d) => html`<li><code>${d.path || '(body)'}</code>: ${d.message}</li>`)}</ul>` : null}
    ${advice ? html`<p class="advice">${advice}</p>` : null}
  </div>`;
}

export function Loading({ what }: { what?: string }) {
  return html`<p class="muted" aria-live="polite">Loading${what ? ` ${what}` : ''}…</p>`;
}

export function Status({ status }: { status: string }) {
  return html`<span class=${`badge s-${status}`}>${status}</span>`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const ago = (Date.now() - d.getTime()) / 1000;
  const abs = Math.abs(ago);
  const rel = abs < 60 ? `${Math.round(abs)} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86400 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return ago >= 0 ? `${rel} ago` : `in ${rel}`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? html`<time datetime=${iso} title=${new Date(iso).toLocaleString()}>${when(iso)}</time>` : html`<span>—</span>`;
}


export const num = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');

/** A modal question with the action (named by `yes`) and Cancel; open it with `dialogRef.current.showModal()`. */
export function Confirm({ dialogRef, title, yes, danger, onYes, children }: { dialogRef: RefObject<HTMLDialogElement>; title: string; yes: string; danger?: boolean; onYes(): void; children?: unknown }) {
  const [id] = useState(() => `dialog-${++dialogs}`);
  const close = () => dialogRef.current?.close();
  return html`<dialog ref=${dialogRef} aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    <p>${children}</p>
    <div class="actions">
      <button type="button" class=${danger ? 'danger' : ''} onClick=${() => (close(), onYes())}>${yes}</button>
      <button type="button" class="secondary" onClick=${close}>Cancel</button>
    </div>
  </dialog>`;
}
let dialogs = 0;

/** Cursor paging: the cursors that led to the current page, so Back is one pop. */
export function usePages() {
  const [pages, setPages] = useState<string[]>([]);
  return { cursor: pages[pages.length - 1] as string | undefined, pages, setPages, reset: () => setPages([]) };
}

export function Pager({ p, next, back, more }: { p: ReturnType<typeof usePages>; next?: string | null; back: string; more: string }) {
  return html`<div class="actions">
    ${p.pages.length ? html`<button type="button" class="secondary" onClick=${() => p.setPages(p.pages.slice(0, -1))}>${back}</button>` : null}
    ${next ? html`<button type="button" class="secondary" onClick=${() => p.setPages([...p.pages, next])}>${more}</button>` : null}
  </div>`;
}
