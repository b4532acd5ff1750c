import { describeThrown } from '../errors/describe-thrown';
import { describeValue } from '../errors/describe-value';
import { isSluiceError, ValidationError, type Issue } from '../errors/errors';
import { callerLocation } from './source-location';

/**
 * Runs the body of a function a DAG file calls (defineDag, task, an operator) so that what it throws
 * while the file is parsed points at the call: a Sluice error without a location (an unknown model in
 * `select`) gets the call's file:line:column, as a task's problems do; anything else (a TypeError from
 * Sluice's own code) is said to come from this call and task, never reaching the user bare.
 */
export function guardCall<R>(fn: string, spec: unknown, body: () => R): R {
  try {
    return body();
  } catch (e) {
    const at = callerLocation();
    const id = (spec as { id?: unknown } | null)?.id;
    const subject = typeof id === 'string' ? `${fn} (task "${id}")` : fn;
    if (isSluiceError(e)) {
      if (e.issues.length && e.issues.every((i) => i.file)) throw e;
      const issues: Issue[] = e.issues.length
        ? e.issues.map((i) => (i.file ? i : { ...i, ...at }))
        : [{ message: e.message, ...at }];
      throw new ValidationError(e.code, subject, issues);
    }
    const message =
      !spec || typeof spec !== 'object'
        ? `${fn} takes an object of options, got ${describeValue(spec)}`
        : `${subject} failed: ${describeThrown(e, { stack: false })} (an option with a value it does not expect? see docs/operators.md)`;
    throw new ValidationError('DAG_INVALID', subject, [{ message, ...at }]);
  }
}
