import { fork, type ChildProcess } from 'node:child_process';

/**
 * Forks a TypeScript entry point with tsx's loader, with stdout/stderr piped to the parent so
 * whatever user code prints can be captured instead of interleaving with ours.
 */
export function forkTs(
  entry: string,
  env: Record<string, string> = {},
  opts: { detached?: boolean } = {},
): ChildProcess {
  return fork(entry, [], {
    execArgv: ['--require', require.resolve('tsx/cjs'), '--enable-source-maps'],
    env: { ...process.env, ...env },
    silent: true,
    serialization: 'advanced',
    detached: opts.detached ?? false,
  });
}
