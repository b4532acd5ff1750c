import { formatLocation } from '../errors/errors';
import { observedText, showValue } from '../checks/result-text';
import type { FailedExpectation, TaskFailure } from './task-failure';

/**
 * A task failure as plain lines (no colour, no layout of a terminal): the scheduler logs them, the
 * CLI indents them under its run table. `showPath` shortens file paths (relative to the working folder).
 */
export function failureLines(f: TaskFailure, showPath: (file: string) => string = (p) => p): string[] {
  const headline =
    f.timedOutAfterSeconds !== undefined
      ? `${f.taskId} timed out after ${f.timedOutAfterSeconds}s (its execution timeout) on try ${f.tryNumber}`
      : `${f.taskId} failed on try ${f.tryNumber}`;
  const [first, ...rest] = f.error.split('\n');
  const lines = [`${headline}: ${first}`, ...rest.map((l) => `  ${l}`)];
  if (f.location) lines.push(`  at ${formatLocation({ ...f.location, file: showPath(f.location.file) })}`);
  for (const [i, e] of f.expectations.entries()) {
    lines.push(...expectationLines(e));
    // One Data Docs page per suite: after its last expectation.
    if (e.dataDocs && f.expectations[i + 1]?.suite !== e.suite) lines.push(`    Data Docs: ${showPath(e.dataDocs)}`);
  }
  if (f.logTail.length) {
    lines.push(`  last ${f.logTail.length} log line(s) of try ${f.tryNumber}:`);
    lines.push(...f.logTail.map((l) => `    | ${l}`));
  }
  return lines;
}

function expectationLines(e: FailedExpectation): string[] {
  const on = e.column ? ` on column ${e.column} of ${e.table}` : ` on ${e.table}`;
  const samples = e.samples.length ? `; samples: ${e.samples.map((v) => showValue(v)).join(', ')}` : '';
  return [
    `  ${e.severity === 'warn' ? 'warning' : 'failed'}: ${e.suite}[${e.index}] ${e.type}${on}: ${e.summary}`,
    `    observed: ${observedText(e)}${samples}`,
  ];
}
