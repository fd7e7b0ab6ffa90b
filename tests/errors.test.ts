import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, UsageError } from '../shared/cli/errors';
import { AppError, SourceError } from '../shared/errors';
import { TargetNotAllowedError } from '../shared/http/errors';
import { LeaseLostError } from '../shared/store/state';

const SHARED = join(__dirname, '../shared');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('Module: errors (the one error model)', () => {
  it('no class in shared/ extends Error but AppError itself (the dashboard runs in the browser: its fetch error is its own)', () => {
    const server = files(SHARED).filter((f) => !f.startsWith(join(SHARED, 'dashboard')));
    const offenders = server.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => m[1]));
    expect(offenders).toEqual(['AppError']);
  });

  it('the errors that once extended Error are AppErrors with a stable code', () => {
    const errors = [new LeaseLostError('contacts'), new TargetNotAllowedError('10.0.0.1'), new UsageError('bad'), new CliError('failed')];
    for (const e of errors) expect(e).toBeInstanceOf(AppError);
    expect(errors.map((e) => e.code)).toEqual(['lease_lost', 'target_not_allowed', 'usage_error', 'cli_error']);
  });

  it('chains the cause, and keeps the vendor status apart from ours', () => {
    const cause = new Error('socket hang up');
    const e = new SourceError('network_error', 'GET /contacts failed', { status: 503, cause });
    expect(e.cause).toBe(cause);
    expect(e.status).toBe(503);
    expect(e.statusCode).toBe(502);
  });
});
