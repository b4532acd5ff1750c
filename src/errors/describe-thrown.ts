import { isSluiceError } from './errors';
import { safeJson } from './describe-value';

/**
 * What a task or a DAG file threw, as text a user can act on. `throw undefined` and
 * `throw { status: 503 }` were stored as "undefined" and "[object Object]": a value that is not an
 * Error is shown as itself and called out as such; an Error with its stack (unless `stack: false`),
 * its own fields (`code`, `status`) and its causes. A SluiceError is a finding, its message says it all.
 */
export function describeThrown(e: unknown, opts: { stack?: boolean } = {}): string {
  return describe(e, opts.stack ?? true, 0);
}

const MAX_CAUSES = 5;
const MAX_CHARS = 20_000;

function describe(e: unknown, stack: boolean, depth: number): string {
  if (!isErrorLike(e)) return notAnError(e);
  if (isSluiceError(e)) return clip(e.message + causeOf(e, stack, depth));
  const head = `${e.name || 'Error'}: ${e.message}`;
  // A stack starts with the message it was created with; a message changed later goes on top.
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  const trace = !stack
    ? head
    : typeof e.stack === 'string' && e.stack.startsWith(head)
      ? e.stack
      : [head, ...frames].join('\n');
  const fields = ownFields(e);
  const errors =
    e instanceof AggregateError && depth < MAX_CAUSES
      ? e.errors.map((x, i) => `\n[${i}] ${indent(describe(x, stack, depth + 1))}`).join('')
      : '';
  return clip(trace + (fields ? `\n  fields: ${fields}` : '') + errors + causeOf(e, stack, depth));
}

function notAnError(e: unknown): string {
  const note = '(not an Error, so there is no stack trace; throw new Error(...) to get one)';
  if (e === undefined) return `undefined was thrown ${note}`;
  if (e === null) return `null was thrown ${note}`;
  if (typeof e === 'string') return `${e} ${note.replace('(not', '(a string was thrown, not')}`;
  if (typeof e === 'object') return clip(`an object was thrown ${note}: ${safeJson(e)}`);
  return `${typeof e} ${String(e)} was thrown ${note}`;
}

function causeOf(e: Error, stack: boolean, depth: number): string {
  if (!('cause' in e) || e.cause === undefined) return '';
  if (depth >= MAX_CAUSES) return '\ncaused by: (more causes left out)';
  return `\ncaused by: ${describe(e.cause, stack, depth + 1)}`;
}

/** Own enumerable fields beyond message/stack (an HTTP client's `status`, a driver's `code`). */
function ownFields(e: Error): string {
  const keys = Object.keys(e).filter(
    (k) =>
      !['message', 'stack', 'name', 'cause', 'errors', 'issues', 'code'].includes(k) ||
      (k === 'code' && !isSluiceError(e)),
  );
  if (!keys.length) return '';
  return safeJson(Object.fromEntries(keys.map((k) => [k, (e as unknown as Record<string, unknown>)[k]])), 3);
}

function isErrorLike(e: unknown): e is Error {
  return (
    e instanceof Error ||
    (typeof e === 'object' &&
      e !== null &&
      typeof (e as Error).message === 'string' &&
      typeof (e as Error).stack === 'string')
  );
}

function indent(s: string): string {
  return s.replace(/\n/g, '\n    ');
}

function clip(s: string): string {
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS)}… (${s.length - MAX_CHARS} more characters)` : s;
}
