import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sample Lambda event from events/, with {{PLACEHOLDERS}} filled in. */
export function sample<T>(name: string, vars: Record<string, string>): T {
  let text = readFileSync(join(__dirname, '../../events', name), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`{{${k}}}`).join(v);
  return JSON.parse(text) as T;
}
