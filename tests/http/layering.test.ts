import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The low modules (outbound HTTP, crypto) import only each other and errors/log/config/backoff; notify never imports webhooks. */
const root = join(__dirname, '../../shared');
const importsOf = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(root, dir, f), 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => [`${dir}/${f}`, m[1]]));

describe('Imports point down', () => {
  it.each(['http', 'crypto'])('shared/%s imports nothing above it', (dir) => {
    const up = importsOf(dir).filter(([, spec]) => spec.startsWith('../') && !/^\.\.\/(errors|log|config|backoff|http|crypto)(\/|$)/.test(spec));
    expect(up).toEqual([]);
  });

  it('notifications import nothing from incoming webhooks', () => {
    expect(importsOf('notify').filter(([, spec]) => spec.includes('webhooks/'))).toEqual([]);
  });
});
