import type { LocalStack } from '../local/stack';
import { GLOBAL_OPTIONS, optionHelp, type OptionSpec, type Values } from './args';

export interface CliIO {
  /** stdout: results only (one JSON document with --json). */
  out(text: string): void;
  /** stderr: progress, hints, errors. */
  err(text: string): void;
}

export interface CommandContext {
  dataDir: string;
  io: CliIO;
  /** Opens the store once, on first use (after the arguments are known to be good); main closes it. */
  stack(withConnectors?: boolean): Promise<LocalStack>;
}

/** One command: its words (`tenants create`), positionals, options, help, and what it does. */
export interface Command {
  words: string[];
  positionals: string[];
  options: Record<string, OptionSpec>;
  summary: string;
  /** Paragraphs after the usage line in `--help`. */
  description: string;
  /** Returns the exit code. */
  run(ctx: CommandContext, values: Values, args: string[]): Promise<number>;
}

export const JSON_OPTION: Record<string, OptionSpec> = { json: { type: 'boolean', help: 'print one JSON document on stdout' } };
export const TENANT_OPTION: Record<string, OptionSpec> = {
  tenant: { type: 'string', arg: 'ID', help: 'the tenant that owns the integration (default: the demo tenant of `npm start`)' },
};

export function usageOf(c: Command): string {
  const opts = Object.entries(c.options).map(([k, o]) => `[--${k}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}]${o.multiple ? '...' : ''}`);
  return `switchboard ${[...c.words, ...c.positionals.map((p) => `<${p}>`), ...opts].join(' ')}`;
}

export function helpOf(c: Command): string {
  return [`Usage: ${usageOf(c)}`, '', c.summary, '', c.description, '', 'Options:', optionHelp({ ...c.options, ...GLOBAL_OPTIONS })]
    .filter((x, i, a) => !(x === '' && a[i - 1] === ''))
    .join('\n');
}

/** JSON for stdout: one document, one line. */
export const json = (v: unknown) => JSON.stringify(v);
