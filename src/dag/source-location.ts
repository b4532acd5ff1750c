import path from 'node:path';
import type { SourceLocation } from './types';

const OWN_DIRS = [path.resolve(__dirname, '..'), path.resolve(__dirname, '../../operators')];

/**
 * The first stack frame outside Sluice's own code: where the user called defineDag or an operator.
 * Stack lines are in TypeScript coordinates because tsx installs source maps.
 */
export function callerLocation(): SourceLocation | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const loc = parseFrame(frame);
    if (!loc || loc.file.includes('node_modules') || loc.file.startsWith('node:')) continue;
    if (OWN_DIRS.some((d) => loc.file.startsWith(d + path.sep))) continue;
    return loc;
  }
  return undefined;
}

/** `    at fn (/a/b.ts:12:5)` or `    at /a/b.ts:12:5` → { file, line, column }. */
export function parseFrame(frame: string): SourceLocation | undefined {
  const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (!m) return undefined;
  const file = m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1];
  return { file, line: Number(m[2]), column: Number(m[3]) };
}
