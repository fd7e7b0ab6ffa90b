/** Small helpers shared by the benchmark parts: progress on stderr, rounding, medians, request timing. */

const t0 = Date.now();

/** Progress goes to stderr: stdout carries only the final JSON line. */
export function progress(msg: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RateMeter {
  /** Arrival times (performance.now() ms) of every request to the path. */
  arrivals: number[];
  /** The figures once `target` requests after the first have been served (or so far, if not yet). */
  result(): { requests: number; http429: number; served: number; seconds: number; closed: boolean };
}

/**
 * Measures how fast a sandbox serves a sequential client (one request in flight: the next request is sent
 * after the previous one is answered). The sandboxes keep a plain `requests[path]` counter that their handler
 * bumps synchronously as each request arrives; an accessor on that key sees every arrival (and the sandbox's
 * cumulative 429 count at that moment) without changing the sandbox. A request was served unless the 429
 * count grew before the next one arrived.
 *
 * The window runs from the first request to the arrival of the `target + 1`-th served one. Under a rolling
 * limit of L per W, request n·L + 1 can start no earlier than n·W after request 1, so with target = n·L the
 * window lasts at least n·W and `target / seconds` cannot beat the allowed rate; a client that bursts and then
 * waits out a 429 is charged for its wait, however the bursts fall. `onClose` runs (before the sandbox looks
 * at the request) on the first arrival after that point.
 */
export function rateMeter(
  sandbox: { requests: Record<string, number>; readonly http429: number },
  path: string,
  target: number,
  onClose?: () => void,
): RateMeter {
  const arrivals: number[] = [];
  const http429At: number[] = [];
  let count = sandbox.requests[path] ?? 0;
  let served = 0;
  let end: number | undefined;
  Object.defineProperty(sandbox.requests, path, {
    configurable: true,
    enumerable: true,
    get: () => count,
    set: (v: number) => {
      count = v;
      const now = sandbox.http429;
      const n = arrivals.length;
      if (n && end === undefined && http429At[n - 1] === now && ++served === target + 1) {
        end = n - 1;
        onClose?.();
      }
      arrivals.push(performance.now());
      http429At.push(now);
    },
  });
  return {
    arrivals,
    result() {
      const last = end ?? arrivals.length - 1;
      if (last < 0) return { requests: 0, http429: 0, served: 0, seconds: 0, closed: false };
      const ms = arrivals[last] - arrivals[0];
      // Requests 1..last (the closing one opens the next window): what was sent, refused and served.
      const http429 = http429At[last] - http429At[0];
      return { requests: last, http429, served: last - http429, seconds: ms / 1000, closed: end !== undefined };
    },
  };
}

/** Starts bench/child.ts in its own Node process and resolves with the address it prints. */
export async function childServer(args: string[]): Promise<{ url: string; token?: string; cpuSeconds(): Promise<number>; close(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  // BENCH_CPU_PROF=<dir> profiles the servers too (npm run bench -- --profile).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, args[0])}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', join(__dirname, 'child.ts'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiting.push(resolve)));
  const info = await Promise.race([
    nextLine().then((l) => JSON.parse(l) as { url: string; token?: string }),
    new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench server ${args.join(' ')} exited with ${code}`)))),
  ]);
  return {
    ...info,
    async cpuSeconds() {
      child.stdin!.write('cpu\n');
      return (JSON.parse(await nextLine()) as { cpuSeconds: number }).cpuSeconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
