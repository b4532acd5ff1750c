import path from 'node:path';
import type { Queryable } from '../db/queryable';
import { parseFrame } from '../dag/source-location';
import type { SourceLocation } from '../dag/types';
import { readLog } from '../state/task-instances';
import type { FailedTry } from '../state/task-tries';
import { columnOf, sampleValues } from '../checks/result-text';
import { failedExpectationsOfTask, type FailedExpectationRow } from '../state/validations';

/**
 * Why a task failed, as plain data: what `dags test`, `tasks test`, `backfill`, `runs show` and the
 * scheduler's log show where the failure happens, so nobody has to read the platform schema.
 */
export interface TaskFailure {
  readonly taskId: string;
  readonly tryNumber: number;
  /** The error without its stack frames (they are summed up by `location`). */
  readonly error: string;
  /** Where in the user's code it was thrown: the first stack frame in the DAG folder, else outside Sluice. */
  readonly location?: SourceLocation;
  /** Set when the try was killed for running past its execution timeout. */
  readonly timedOutAfterSeconds?: number;
  /** The last lines of the try's log. */
  readonly logTail: readonly string[];
  /** A checkpoint's failed expectations (empty for other tasks). */
  readonly expectations: readonly FailedExpectation[];
}

export interface FailedExpectation {
  readonly suite: string;
  readonly table: string;
  readonly index: number;
  readonly type: string;
  readonly severity: string;
  /** The column (or columns, comma-separated) the expectation is about, if any. */
  readonly column?: string;
  readonly observed: unknown;
  readonly unexpectedCount?: number;
  readonly elementCount?: number;
  /** A few distinct failing values (or rows, when the expectation is about no single column). */
  readonly samples: readonly unknown[];
  readonly summary: string;
  /** Absolute path of the validation's Data Docs page. */
  readonly dataDocs?: string;
}

/** Where to look for the pieces of a failure. */
export interface FailureContext {
  readonly dagsFolder: string;
  readonly dataDocsDir: string;
}

export const LOG_TAIL_LINES = 20;
const OWN_DIRS = [path.resolve(__dirname, '..'), path.resolve(__dirname, '../../operators')];

/** The error text of a try split into the message, the user's frame and the timeout it hit. */
function explainError(
  text: string,
  dagsFolder: string,
): Pick<TaskFailure, 'error' | 'location' | 'timedOutAfterSeconds'> {
  const lines = text.split('\n');
  const frames = lines.filter((l) => /^\s+at /.test(l));
  const parsed = frames.map(parseFrame).filter((f) => f !== undefined);
  const folder = path.resolve(dagsFolder) + path.sep;
  const location =
    parsed.find((f) => f.file.startsWith(folder)) ??
    parsed.find(
      (f) =>
        !f.file.includes('node_modules') &&
        !f.file.startsWith('node:') &&
        !OWN_DIRS.some((d) => f.file.startsWith(d + path.sep)),
    );
  const timeout = /execution timeout of ([\d.]+)s/.exec(text);
  return {
    error: lines.filter((l) => !/^\s+at /.test(l)).join('\n'),
    ...(location ? { location } : {}),
    ...(timeout ? { timedOutAfterSeconds: Number(timeout[1]) } : {}),
  };
}

/** The last `n` lines of a log text (a trailing newline ends the last line, it adds none). */
export function lastLines(log: string, n = LOG_TAIL_LINES): string[] {
  const lines = log.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n);
}

/** What describeFailure needs, from a failed try of a run. */
export function failedTaskRef(dagId: string, runPk: number, t: FailedTry): FailedTaskRef {
  return {
    dagId,
    runPk,
    tiId: t.ti_id,
    taskId: t.task_id,
    operator: t.operator,
    tryNumber: t.try_number,
    error: t.error,
  };
}

export interface FailedTaskRef {
  readonly dagId: string;
  readonly runPk: number;
  readonly tiId: number;
  readonly taskId: string;
  readonly operator: string;
  readonly tryNumber: number;
  readonly error: string | null;
}

/** The failed try's error explained, its log tail and, for a checkpoint, its failed expectations. */
export async function describeFailure(db: Queryable, ctx: FailureContext, t: FailedTaskRef): Promise<TaskFailure> {
  const expectations =
    t.operator === 'checkpoint'
      ? await failedExpectations(db, ctx, { dagId: t.dagId, taskId: t.taskId, runPk: t.runPk })
      : [];
  return failureFrom({
    ...t,
    dagsFolder: ctx.dagsFolder,
    expectations,
    logTail: lastLines(await readLog(db, t.tiId, t.tryNumber)),
  });
}

/** A failure from its parts (`tasks test` has no stored try: it gives them itself). */
export function failureFrom(p: {
  readonly taskId: string;
  readonly tryNumber: number;
  readonly error: string | null;
  readonly dagsFolder: string;
  readonly expectations: readonly FailedExpectation[];
  readonly logTail: readonly string[];
}): TaskFailure {
  const explained = explainError(p.error ?? '(no error was recorded for this try)', p.dagsFolder);
  return {
    taskId: p.taskId,
    tryNumber: p.tryNumber,
    ...explained,
    error: p.expectations.length ? gateHeadlines(explained.error) : explained.error,
    logTail: p.logTail,
    expectations: p.expectations,
  };
}

/** A failed gate's error lists each expectation too; with them shown in full, its headlines suffice. */
function gateHeadlines(error: string): string {
  return error
    .split('\n')
    .filter((l) => !l.startsWith('  '))
    .join('\n');
}

/** The failed expectations of a checkpoint task's latest validations (see failedExpectationsOfTask). */
export async function failedExpectations(
  db: Queryable,
  ctx: Pick<FailureContext, 'dataDocsDir'>,
  task: Parameters<typeof failedExpectationsOfTask>[1],
): Promise<FailedExpectation[]> {
  return (await failedExpectationsOfTask(db, task)).map((r) => failedExpectation(r, ctx.dataDocsDir));
}

function failedExpectation(r: FailedExpectationRow, dataDocsDir: string): FailedExpectation {
  const column = columnOf(r.kwargs);
  return {
    suite: r.suite,
    table: r.table_name,
    index: r.idx,
    type: r.type,
    severity: r.severity,
    ...(column ? { column } : {}),
    observed: r.observed,
    ...(r.unexpected_count !== null ? { unexpectedCount: r.unexpected_count } : {}),
    ...(r.element_count !== null ? { elementCount: r.element_count } : {}),
    samples: sampleValues(r.sample ?? [], r.kwargs),
    summary: r.summary,
    ...(r.docs_path ? { dataDocs: path.join(dataDocsDir, r.docs_path) } : {}),
  };
}
