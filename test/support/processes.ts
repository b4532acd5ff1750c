import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO } from './sandbox';

/** Starts `sluice <args>` as a separate OS process, as an operator would. */
export function startSluice(args: string[], env: Record<string, string>, cwd: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/sluice.js'), ...args], {
    cwd, env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return Object.assign(child, { output: () => out });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}
