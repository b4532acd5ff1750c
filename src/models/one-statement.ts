/**
 * Model SQL is one statement. The DDL that builds a model (CREATE VIEW/TABLE … AS <sql>) goes over
 * the simple query protocol, where Postgres runs every statement in the string: a model ending in
 * `; drop table raw.x` ran the second statement. So the SQL is first sent once with the extended
 * protocol (a parameter forces it), where Postgres refuses more than one statement. Wrapped as
 * `… WHERE false AND EXISTS (<sql>)` it is parsed and its names resolved but never planned or run.
 * Since the wrapper only adds complete tokens before and after, the SQL lexes the same in the probe
 * and in the DDL; one statement here is one statement there.
 */
import { SluiceError } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { failedLabel, modelFailure } from './model-error';
import { lexSql, secondStatement } from './template/sql-lexer';
import type { CompiledModel } from './types';

const PREFIX = 'SELECT $1::int WHERE false AND EXISTS (\n';
/** Postgres' refusal; inside the parentheses a `;` can also be a syntax error, which refuses it just as well. */
const MULTIPLE = /cannot insert multiple commands into a prepared statement|syntax error at or near ";"/;

export async function assertOneStatement(q: Queryable, model: CompiledModel, file: string): Promise<void> {
  try {
    // A trailing semicolon is no second statement (the DDL runs it as written).
    await q.query(`${PREFIX}${model.sql.replace(/[\s;]+$/, '')}\n)`, [1]);
  } catch (e) {
    if (!MULTIPLE.test(String((e as Error)?.message))) throw modelFailure(model, file, e, PREFIX);
    const offset = secondStatement(lexSql(model.sql), model.sql);
    const line = offset === undefined ? undefined : model.sql.slice(0, offset).split('\n').length;
    const at = line === undefined ? undefined : model.lineMap[line - 1];
    const where = at ? `${at.file}:${at.line}` : file;
    const message =
      'the model holds more than one SQL statement; a model is one statement (a SELECT), and Postgres refused the second one. Nothing was run';
    throw new SluiceError('MODEL_FAILED', `${failedLabel(model)}: ${where}: ${message}`, [
      { message, file: at?.file ?? file, ...(at ? { line: at.line } : {}) },
    ]);
  }
}
