/**
 * The Switchboard dashboard: a single-page app over the public API (Preact + htm, no build toolchain beyond
 * esbuild). Nothing here runs server-side; it imports only types from the rest of shared/.
 */
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api';
import { Link, match, useLocation } from './ui';
import { SignIn } from './screens/signin';
import { Overview } from './screens/overview';
import { IntegrationScreen } from './screens/integration';
import { CreateWizard } from './screens/create';
import { Notifications } from './screens/notifications';
import { FlowList, NewFlow } from './screens/flows';
import { FlowScreen } from './screens/flow';
import { ApiKeys } from './screens/keys';

type Screen = [pattern: string, view: (p: Record<string, string>) => unknown];

const SCREENS: Screen[] = [
  ['/', () => html`<${Overview} />`],
  ['/integrations/new', () => html`<${CreateWizard} />`],
  ['/integrations/:id', (p) => html`<${IntegrationScreen} id=${p.id} tab="summary" />`],
  ['/integrations/:id/:tab', (p) => html`<${IntegrationScreen} id=${p.id} tab=${p.tab} />`],
  ['/integrations/:id/runs/:runId', (p) => html`<${IntegrationScreen} id=${p.id} tab="runs" runId=${p.runId} />`],
  ['/notifications', () => html`<${Notifications} />`],
  ['/flows', () => html`<${FlowList} />`],
  ['/flows/new', () => html`<${NewFlow} />`],
  ['/flows/:id', (p) => html`<${FlowScreen} id=${p.id} />`],
  ['/keys', () => html`<${ApiKeys} />`],
];

const NAV = [
  ['/', 'Overview'],
  ['/integrations/new', 'New integration'],
  ['/flows', 'Flows'],
  ['/notifications', 'Notifications'],
  ['/keys', 'API keys'],
];

function App() {
  const [key, setKey] = useState(session.key());
  useEffect(() => session.subscribe(() => setKey(session.key())), []);
  const { path } = useLocation();
  // Before sign-in nothing but the sign-in form renders: no screen, hence no tenant request, runs.
  if (!key) return html`<main id="main"><${SignIn} /></main>`;
  let view: unknown = html`<h1>Not found</h1><p>No screen at ${path}. <${Link} href="/">Back to the overview</${Link}></p>`;
  for (const [pattern, v] of SCREENS) {
    const p = match(pattern, path === '' ? '/' : path);
    if (p) {
      view = v(p);
      break;
    }
  }
  const section = (href: string) => (href === '/' ? path === '/' || (path.startsWith('/integrations/') && path !== '/integrations/new') : path.startsWith(href));
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <${Link} href="/" class="brand">Switchboard</${Link}>
      <nav aria-label="Main">
        ${NAV.map(([href, label]) => html`<${Link} href=${href} current=${section(href)}>${label}</${Link}>`)}
      </nav>
      <button type="button" class="link" onClick=${() => session.signOut()}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${view}</main>`;
}

render(html`<${App} />`, document.getElementById('app')!);
