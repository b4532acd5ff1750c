import { SluiceError } from '../errors/errors';

/**
 * One bad row or value (INPUT_MALFORMED). The message is `<at>: <problem>`; `problem` alone is what
 * a rejects file records next to `at`, so the location is not repeated there.
 */
export class MalformedRowError extends SluiceError {
  readonly at: string;
  readonly problem: string;

  /** `file`/`line` (when the source is a file) make the issue point at it for tools that jump there. */
  constructor(at: string, problem: string, where: { file?: string; line?: number } = {}) {
    super('INPUT_MALFORMED', `${at}: ${problem}`, [{ message: problem, ...where }]);
    this.name = 'MalformedRowError';
    this.at = at;
    this.problem = problem;
  }
}

export function isMalformedRow(e: unknown): e is MalformedRowError {
  return e instanceof MalformedRowError;
}

/** A value as error messages show it: JSON-ish and cut short so one huge field cannot flood a log. */
export function describeValue(raw: unknown, max = 60): string {
  let s: string;
  if (raw === undefined) return 'missing value';
  if (raw instanceof Date) s = Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString();
  else if (typeof raw === 'bigint') s = `${raw}`;
  else {
    try {
      s = JSON.stringify(raw) ?? String(raw);
    } catch {
      s = String(raw);
    }
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
