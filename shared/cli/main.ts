/**
 * `switchboard`: the local command line. Works on the local data folder whether or not `npm start` is
 * running (see store.ts). Exit codes: 0 done, 1 the request failed, 2 a mistake in the command line.
 */
import { AppError } from '../errors';
import type { LocalStack } from '../local/stack';
import { scrub, setLogLevel } from '../log';
import { GLOBAL_OPTIONS, commandWords, optionHelp, parseCommand, type OptionSpec } from './args';
import { helpOf, usageOf, type CliIO, type Command } from './command';
import { data } from './data';
import { flowsDeliveries, flowsList, flowsRun } from './flows';
import { CliError, UsageError } from './errors';
import { integrationsList } from './integrations';
import { notifySummary } from './notify';
import { runs } from './runs';
import { dataDirOf, openStack } from './store';
import { sync } from './sync';
import { tenantsCreate } from './tenants';
import { authToken, usersAdd, usersList, usersRemove } from './users';

export const COMMANDS: Command[] = [tenantsCreate, integrationsList, sync, runs, data, flowsList, flowsRun, flowsDeliveries, notifySummary, usersAdd, usersList, usersRemove, authToken];

const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, ...COMMANDS.map((c) => c.options));

export function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  return [
    'Usage: switchboard <command> [options]',
    '',
    'Works on the local data folder, whether or not `npm start` is running.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(w)}  ${c.summary}`),
    '',
    'Global options:',
    optionHelp(GLOBAL_OPTIONS),
    '',
    'Run `switchboard <command> --help` for the options of a command.',
  ].join('\n');
}

const stdio: CliIO = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

/** Runs one command line; returns the exit code (the bin exits with it). */
export async function run(argv: string[], io: CliIO = stdio): Promise<number> {
  // The engine's JSON log lines would bury the progress line and the summary; LOG_LEVEL=info brings them back.
  if (!process.env.LOG_LEVEL) setLogLevel('warn');
  let stack: LocalStack | undefined;
  try {
    const words = commandWords(argv, ALL_OPTIONS);
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (!words.length || (words[0] === 'help' && words.length === 1)) {
      if (wantsHelp || words[0] === 'help') {
        io.out(topHelp());
        return 0;
      }
      io.err(topHelp());
      return 2;
    }
    const asked = words[0] === 'help' ? words.slice(1) : words;
    const command = COMMANDS.find((c) => c.words.every((w, i) => asked[i] === w));
    if (!command) throw unknownCommand(asked);
    if (words[0] === 'help') {
      io.out(helpOf(command));
      return 0;
    }
    const { values, args } = parseCommand(argv, command.words.length, command.options, command.positionals, usageOf(command));
    if (values.help) {
      io.out(helpOf(command));
      return 0;
    }
    const dataDir = dataDirOf(values['data-dir'] as string | undefined);
    const ctx = {
      dataDir,
      io,
      stack: async (withConnectors = false) => (stack ??= await openStack(dataDir, withConnectors)),
    };
    return await command.run(ctx, values, args);
  } catch (err) {
    return report(err, io);
  } finally {
    await stack?.close().catch(() => undefined);
  }
}

function unknownCommand(words: string[]): UsageError {
  const group = COMMANDS.filter((c) => c.words[0] === words[0]);
  if (group.length)
    return new UsageError(
      words.length > 1 ? `unknown command '${words.slice(0, 2).join(' ')}'` : `'${words[0]}' needs a subcommand`,
      ['Commands:', ...group.map((c) => `  ${usageOf(c)}`)].join('\n'),
    );
  return new UsageError(`unknown command '${words[0]}'`, `Commands: ${COMMANDS.map((c) => c.words.join(' ')).join(', ')}. Run \`switchboard --help\`.`);
}

/** User mistakes and failed requests: one line (plus usage), no stack trace. Anything else is a bug: show it. */
function report(err: unknown, io: CliIO): number {
  if (err instanceof UsageError) {
    io.err(`switchboard: ${err.message}`);
    if (err.usage) io.err(err.usage.startsWith('switchboard') && !err.usage.includes('\n') ? `Usage: ${err.usage}` : err.usage);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    io.err(`switchboard: ${scrub(err.message)}`);
    return err.exitCode;
  }
  if (err instanceof AppError && err.expose) {
    io.err(`switchboard: ${scrub(err.message)}`);
    return err.statusCode === 400 ? 2 : 1;
  }
  io.err(`switchboard: unexpected error: ${scrub(err instanceof Error ? (err.stack ?? err.message) : String(err))}`);
  return 1;
}
