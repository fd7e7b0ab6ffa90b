import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Structured JSON logs on stderr. Secret values registered with `redact()` are replaced wherever they
 * appear in a line, so a token that slips into an error message from a library still never reaches a log.
 */
const secrets = new Set<string>();
const SECRET_KEYS = /token|secret|password|authorization|apikey|api_key|privatekey|private_key/i;

export function redact(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

function clean(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || value === undefined) return value;
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error) return { name: value.name, message: scrub(value.message), code: (value as { code?: string }).code };
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) && typeof v === 'string' ? '***' : clean(v, depth + 1);
    }
    return out;
  }
  return value;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stderr.write(line + '\n');
let minLevel: Level = (process.env.LOG_LEVEL as Level) in order ? (process.env.LOG_LEVEL as Level) : 'info';

/** Tests capture every line with this; the local stack may silence debug. */
export function setLogSink(next: LogSink): LogSink {
  const prev = sink;
  sink = next;
  return prev;
}
export function setLogLevel(level: Level): void {
  minLevel = level;
}

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  const write = (level: Level, msg: string, data?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    sink(JSON.stringify(clean({ level, time: new Date().toISOString(), msg, ...invocation.getStore(), ...bindings, ...data })));
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    child: (b) => createLogger({ ...bindings, ...b }),
  };
}

export const log = createLogger();

/** The Lambda context fields the logger reads (all optional: the local stack and tests pass fewer). */
export interface InvocationContext {
  awsRequestId?: string;
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string | number;
}

const invocation = new AsyncLocalStorage<Record<string, unknown>>();
let coldStart = true;

/**
 * Wraps a Lambda handler so every line logged while it runs carries the invocation, under Powertools for AWS
 * Lambda's field names (`function_request_id`, `cold_start`, `function_name`, `function_arn`,
 * `function_memory_size`, `function_version`): what an operator filters CloudWatch by. `cold_start` is true
 * for the first invocation of the process only. A handler called inside another keeps the outer invocation.
 * @example export const handler = withInvocation(async (event, context) => ...);
 */
export function withInvocation<A extends [unknown?, (InvocationContext | undefined)?], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => {
    if (invocation.getStore()) return handler(...args);
    const context = args[1];
    const fields = {
      function_request_id: context?.awsRequestId,
      cold_start: coldStart,
      function_name: context?.functionName,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB === undefined ? undefined : Number(context.memoryLimitInMB),
      function_version: context?.functionVersion,
    };
    coldStart = false;
    return invocation.run(fields, () => handler(...args));
  };
}
