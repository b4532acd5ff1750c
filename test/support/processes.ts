import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { REPO } from './sandbox';

const execFileAsync = promisify(execFile);

/** Starts `sluice <args>` as a separate OS process, as an operator would. */
export function startSluice(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/sluice.js'), ...args], {
    cwd,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return Object.assign(child, { output: () => out });
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

export interface SluiceOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sluice <args>` to its end and returns its exit code and output (a failing command is not an exception). */
export async function runSluice(
  args: readonly string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number; input?: string },
): Promise<SluiceOutcome> {
  try {
    const running = execFileAsync(process.execPath, [path.join(REPO, 'bin/sluice.js'), ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
    });
    running.child.stdin?.end(opts.input ?? '');
    const r = await running;
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
