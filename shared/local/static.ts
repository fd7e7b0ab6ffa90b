import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The dashboard's headers, the same as CloudFront's response headers policy (resources/dashboard.js): scripts,
 * styles and API calls from this origin only, never framed.
 */
export const DASHBOARD_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Paths the API functions own (`/sso/api/…`: the API for people signed in with SSO); every other GET is the dashboard's. */
export const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/') || path.startsWith('/sso/api/') || path === '/webhooks' || path.startsWith('/webhooks/');

export interface StaticReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Serves a built single-page app from `dir`: a file when the path names one, index.html for any path without
 * an extension (the app's own routes), 404 for a missing asset. Undefined for what is not the app's (API
 * paths, methods other than GET/HEAD), which then goes to the API handler.
 */
export function staticSite(dir: string): (method: string, rawPath: string) => StaticReply | undefined {
  const root = resolve(dir);
  const reply = (status: number, type: string, body: Buffer): StaticReply => ({ status, headers: { ...DASHBOARD_HEADERS, 'content-type': type }, body });
  return (method, rawPath) => {
    if ((method !== 'GET' && method !== 'HEAD') || isApiPath(rawPath)) return undefined;
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return reply(400, TYPES['.txt'], Buffer.from('Bad path\n'));
    }
    const index = join(root, 'index.html');
    if (!existsSync(index)) return reply(503, TYPES['.txt'], Buffer.from('The dashboard is not built: run `npm run build`.\n'));
    const file = resolve(root, `.${path}`);
    // resolve() removes `..`; a path that still leaves the folder (or names a folder) is not a file of the app.
    if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      return reply(200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    if (extname(path)) return reply(404, TYPES['.txt'], Buffer.from('Not found\n'));
    return reply(200, TYPES['.html'], readFileSync(index));
  };
}
