import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { /** `<value>` name in help. */ arg?: string; help: string };
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string', arg: 'DIR', help: 'the local data folder (default: $SWITCHBOARD_DATA_DIR, else .data)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export interface ParsedCommand {
  values: Values;
  /** The command's own positionals (the command words removed). */
  args: string[];
}

/** What any command's options look like, so the command words can be found before we know the command. */
export function commandWords(argv: string[], allOptions: Record<string, OptionSpec>): string[] {
  const { positionals } = parseArgs({ args: argv, options: strip({ ...allOptions, ...GLOBAL_OPTIONS }), strict: false, allowPositionals: true });
  return positionals;
}

/**
 * Parses strictly against one command's options: an unknown option, a missing value or a stray argument is a
 * `UsageError` (exit 2) that names the problem and shows the command's usage.
 */
export function parseCommand(argv: string[], words: number, options: Record<string, OptionSpec>, positionals: string[], usage: string): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: strip({ ...options, ...GLOBAL_OPTIONS }), strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(explain(err as Error & { code?: string }), usage);
  }
  const values = parsed.values as Values;
  const args = parsed.positionals.slice(words);
  if (!values.help) {
    if (args.length < positionals.length) throw new UsageError(`missing ${positionals.slice(args.length).map((p) => `<${p}>`).join(' ')}`, usage);
    if (args.length > positionals.length) throw new UsageError(`unexpected argument '${args[positionals.length]}'`, usage);
  }
  return { values, args };
}

function strip(options: Record<string, OptionSpec>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(Object.entries(options).map(([k, { type, short, multiple }]) => [k, { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) }]));
}

/** node's parseArgs messages, shortened to what a person needs. */
function explain(err: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && missing) return `option '${missing[1].replace(/^-\w, /, '')}' needs a value`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return err.message.replace(/^Option /, 'option ');
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return err.message;
  return err.message;
}

/** A positive whole number option (`--limit 20`), or undefined when absent. */
export function intOption(values: Values, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, not '${raw}'`);
  return n;
}

/** Help text for a set of options, one per line. */
export function optionHelp(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([k, o]) => [`${o.short ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`, o.help + (o.multiple ? ' (repeatable)' : '')]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`).join('\n');
}
