import path from 'node:path';
import { isSluiceError, formatIssue } from '../errors/errors';
import { parseFrame } from '../dag/source-location';
import { describeThrown } from '../errors/describe-thrown';
import type { ImportIssue } from './parse-result';

/**
 * Turns whatever importing a DAG file threw into issues with file and line: esbuild syntax errors
 * ("file:3:10: ERROR: ..."), Sluice validation errors (one issue each), or the first stack frame
 * inside the file for anything else. A location in another file (a helper module) stays in the message.
 */
export function issuesFromError(file: string, e: unknown): ImportIssue[] {
  const err = e as Error & {
    errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }>;
  };
  if (isSluiceError(err) && err.issues.length) {
    return err.issues.map((i) => at(file, i.file, i.line, i.column, i.message, 'DAG_INVALID'));
  }
  const missing = missingModule(err);
  if (err?.name === 'TransformError' || /Transform failed with/.test(err?.message ?? '')) {
    const found = [...String(err.message).matchAll(/^(.+?):(\d+):(\d+): ERROR: (.+)$/gm)];
    // esbuild columns are 0-based; editors and the rest of Sluice count from 1.
    if (found.length)
      return found.map((m) => at(file, path.resolve(m[1]), Number(m[2]), Number(m[3]) + 1, m[4], 'SYNTAX'));
  }
  // What was thrown, as thrown: `throw undefined` read "Error: undefined", an object "[object Object]".
  const message = missing
    ? missingMessage(missing, file)
    : isSluiceError(err)
      ? err.message
      : describeThrown(e, { stack: false });
  const frames = String((err as { stack?: unknown } | undefined)?.stack ?? '')
    .split('\n')
    .slice(1)
    .map(parseFrame)
    .filter((f) => f !== undefined);
  const inFile = frames.find((f) => f.file === file);
  if (inFile) return [at(file, file, inFile.line, inFile.column, message, 'IMPORT_THREW')];
  const userFrame = frames.find((f) => !f.file.includes('node_modules') && !f.file.startsWith('node:'));
  return [at(file, userFrame?.file, userFrame?.line, userFrame?.column, message, 'IMPORT_THREW')];
}

function at(
  file: string,
  where: string | undefined,
  line: number | undefined,
  column: number | undefined,
  message: string,
  code: ImportIssue['code'],
): ImportIssue {
  if (!where || where === file) return { file, line: line ?? null, column: column ?? null, code, message };
  return { file, line: null, column: null, code, message: formatIssue({ file: where, line, column, message }) };
}

/** The module a `Cannot find module 'x'` error names, and the file that imports it. */
function missingModule(err: unknown): { name: string; from?: string } | undefined {
  const e = err as { code?: unknown; message?: unknown; requireStack?: unknown } | undefined;
  if (e?.code !== 'MODULE_NOT_FOUND' || typeof e.message !== 'string') return undefined;
  const m = /^Cannot find module '([^']+)'/.exec(e.message);
  if (!m) return undefined;
  const from = Array.isArray(e.requireStack) && typeof e.requireStack[0] === 'string' ? e.requireStack[0] : undefined;
  return { name: m[1], from };
}

/**
 * One line for a missing import, without Node's require stack: the sluice package itself (a project
 * outside this repository that has not installed it, see docs/new-project.md), another package,
 * or a file of the project.
 */
function missingMessage(missing: { name: string; from?: string }, file: string): string {
  const importer =
    !missing.from || missing.from === file ? 'this file' : path.relative(path.dirname(file), missing.from);
  const bare = !missing.name.startsWith('.') && !path.isAbsolute(missing.name);
  if (!bare) return `cannot find the module '${missing.name}' that ${importer} imports`;
  const pkg = missing.name
    .split('/')
    .slice(0, missing.name.startsWith('@') ? 2 : 1)
    .join('/');
  if (pkg === 'sluice')
    return `cannot find the package 'sluice' that ${importer} imports: install it in the project (npm install <path to the sluice checkout>, see docs/new-project.md)`;
  return `cannot find the package '${pkg}' that ${importer} imports: install it in the project (npm install ${pkg})`;
}
