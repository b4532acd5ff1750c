/**
 * Turning a failed model build into an error the user can act on: the model, its file and line
 * (through the compiled SQL's line map), the compiled line itself, and Postgres's detail and hint.
 */
import { isSluiceError, SluiceError, type Issue } from '../errors/errors';
import type { Queryable, QueryResult } from '../db/queryable';
import type { CompiledModel } from './types';

interface PgError {
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
  code?: string;
}

function pgError(e: unknown): PgError | undefined {
  if (!(e instanceof Error) || typeof (e as { code?: unknown }).code !== 'string') return undefined;
  return e as PgError;
}

/** Where a 0-based character offset of the compiled SQL falls: its line (1-based) and column (0-based). */
function locate(sql: string, offset: number): { line: number; column: number; text: string } {
  const chars = Array.from(sql); // Postgres counts characters, not UTF-16 units
  const before = chars.slice(0, offset).join('');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: Array.from(before.slice(lineStart)).length, text: sql.split('\n')[line - 1] ?? '' };
}

/** `model "x" failed` (or `seed "x" failed`): how every build failure starts. */
export function failedLabel(model: Pick<CompiledModel, 'name' | 'seed'>): string {
  return `${model.seed ? 'seed' : 'model'} "${model.name}" failed`;
}

/**
 * `err` from a statement that sent `prefix + model.sql` (prefix undefined: the statement did not
 * contain the model's SQL, so a position in it means nothing to the user). `file` is the model's
 * own file, named when the error cannot be placed on a line.
 */
export function modelFailure(model: CompiledModel, file: string, err: unknown, prefix?: string): SluiceError {
  if (isSluiceError(err)) return err as SluiceError;
  const pg = pgError(err);
  const message = pg?.message ?? (err instanceof Error ? err.message : String(err));
  const extra = [pg?.detail && `detail: ${pg.detail}`, pg?.hint && `hint: ${pg.hint}`]
    .filter(Boolean)
    .map((s) => `\n  ${s}`)
    .join('');
  const position = pg?.position ? Number(pg.position) : NaN;
  const offset = prefix === undefined ? NaN : position - 1 - Array.from(prefix).length;
  if (Number.isInteger(offset) && offset >= 0 && offset <= Array.from(model.sql).length) {
    const at = locate(model.sql, offset);
    const source = model.lineMap[at.line - 1];
    const where = source ? `${source.file}:${source.line}` : file;
    const issue: Issue = { message, file: source?.file ?? file, line: source?.line };
    return new SluiceError(
      'MODEL_FAILED',
      `${failedLabel(model)}: ${where}: ${message}${extra}\n` +
        `  compiled SQL line ${at.line}: ${at.text}\n` +
        `  ${' '.repeat(`compiled SQL line ${at.line}: `.length + at.column)}^`,
      [issue],
    );
  }
  return new SluiceError('MODEL_FAILED', `${failedLabel(model)} (${file}): ${message}${extra}`, [{ message, file }]);
}

/** A model-level problem found by Sluice itself (a null unique key, a new column), not by Postgres. */
export function modelProblem(model: CompiledModel, file: string, message: string): SluiceError {
  return new SluiceError('MODEL_FAILED', `${failedLabel(model)} (${file}): ${message}`, [{ message, file }]);
}

/** Runs `prefix + model.sql`, reporting a failure against the model's file and line. */
export async function queryModelSql(
  q: Queryable,
  prefix: string,
  model: CompiledModel,
  file: string,
): Promise<QueryResult<unknown>> {
  try {
    return await q.query(prefix + model.sql);
  } catch (e) {
    throw modelFailure(model, file, e, prefix);
  }
}

/** The model's own file when the caller did not say: the last line of the compiled SQL is the model's own SELECT. */
export function defaultFile(model: CompiledModel): string {
  return model.lineMap[model.lineMap.length - 1]?.file ?? `model ${model.name}`;
}
