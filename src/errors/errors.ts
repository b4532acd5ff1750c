/**
 * Sluice's error classes. Each carries a stable `code` that scripts and the web UI can match on,
 * and, for user mistakes, the file/line they point at so nobody needs a stack trace.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DAG_INVALID'
  | 'DAG_IMPORT_FAILED'
  | 'DAG_NOT_FOUND'
  | 'TASK_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'SCHEDULE_INVALID'
  | 'STATE_CONFLICT'
  | 'DATABASE_UNAVAILABLE'
  | 'OBJECT_STORE_FAILED'
  | 'INPUT_MALFORMED'
  | 'SOURCE_FAILED'
  | 'LOAD_FAILED'
  | 'MODEL_INVALID'
  | 'SEED_INVALID'
  | 'MODEL_FAILED'
  | 'QUERY_FAILED'
  | 'CHECK_INVALID'
  | 'CHECK_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'USER_NOT_FOUND'
  | 'NOT_FOUND'
  | 'USAGE'
  | 'ALERT_TEMPLATE';

export interface Issue {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, message: string, issues: readonly Issue[] = []) {
    super(message);
    this.name = 'SluiceError';
    this.code = code;
    this.issues = issues;
  }
}

/** Many problems found in one pass, reported together (a DAG with a cycle and an unknown id, say). */
export class ValidationError extends SluiceError {
  constructor(code: ErrorCode, subject: string, issues: readonly Issue[]) {
    super(
      code,
      `${subject}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
      issues,
    );
    this.name = 'ValidationError';
  }
}

export function formatLocation(i: Pick<Issue, 'file' | 'line' | 'column'>): string {
  if (!i.file) return '';
  return i.file + (i.line ? `:${i.line}` + (i.column ? `:${i.column}` : '') : '');
}

export function formatIssue(i: Issue): string {
  const loc = formatLocation(i);
  return loc ? `${loc}: ${i.message}` : i.message;
}

/** The same problem at the same place once (a template line in a loop, an ephemeral model inlined twice), the first kept. */
export function uniqueIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.file}:${i.line}:${i.column}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function isSluiceError(e: unknown): e is SluiceError {
  return (
    e instanceof SluiceError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'SluiceError')
  );
}

// Failures that are a verdict on the task's input, not an accident of the infrastructure.
const VERDICTS: ReadonlySet<ErrorCode> = new Set(['CHECK_FAILED', 'CHECK_INVALID']);

/**
 * Whether a task's error is a verdict (a failed quality gate, an invalid suite): trying again would
 * only repeat it, so the task fails at once. Anything else (a killed worker, a dropped connection)
 * may pass on a retry.
 */
export function isVerdict(e: unknown): boolean {
  return isSluiceError(e) && VERDICTS.has((e as SluiceError).code);
}
