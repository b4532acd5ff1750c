import type { Database } from '../db/database';
import { SluiceError } from '../errors/errors';
import { lineIndex, positionAt } from '../util/text-position';
import { readOnlyQuery, type QueryRows } from './read-only-query';

const READ_ONLY_SQL_TRANSACTION = '25006';
const MULTIPLE_STATEMENTS = /cannot insert multiple commands into a prepared statement/;

/** `sluice sql`: one read-only statement on the warehouse; a failure says where in the query it is. */
export async function runSql(db: Database, sql: string, limit?: number): Promise<QueryRows> {
  try {
    return await readOnlyQuery(db, sql, limit);
  } catch (e) {
    throw queryFailure(sql, e);
  }
}

interface PgError extends Error {
  readonly code: string;
  readonly position?: string;
  readonly detail?: string;
  readonly hint?: string;
}

function isPgError(e: unknown): e is PgError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'severity' in e;
}

function queryFailure(sql: string, e: unknown): unknown {
  if (!isPgError(e)) return e;
  const hint =
    e.code === READ_ONLY_SQL_TRANSACTION
      ? 'sluice sql only reads: change data with a model, a seed or a task'
      : MULTIPLE_STATEMENTS.test(e.message)
        ? 'sluice sql runs one statement at a time: run each on its own'
        : e.hint;
  const extra = [e.detail && `detail: ${e.detail}`, hint && `hint: ${hint}`]
    .filter(Boolean)
    .map((s) => `\n  ${s}`)
    .join('');
  const offset = Number(e.position) - 1; // Postgres counts characters from 1
  if (!Number.isInteger(offset) || offset < 0)
    return new SluiceError('QUERY_FAILED', `query failed: ${e.message}${extra}`);
  const before = Array.from(sql).slice(0, offset).join('');
  const at = positionAt(lineIndex(sql), before.length);
  const text = sql.split('\n')[at.line - 1] ?? '';
  const caret = Array.from(text.slice(0, at.column - 1)).length;
  return new SluiceError(
    'QUERY_FAILED',
    `query failed at line ${at.line}, column ${caret + 1}: ${e.message}\n  ${text}\n  ${' '.repeat(caret)}^${extra}`,
    [{ message: e.message, line: at.line, column: caret + 1 }],
  );
}
