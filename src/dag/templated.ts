import type { JsonObject, JsonValue, TaskContext } from './types';
import { SluiceError } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';

/** A setting fixed in the DAG file or computed per run: `'orders/{{ds}}.csv'` or `(ctx) => …`. */
export type Templated<T = string> = T | ((ctx: TaskContext) => T);

/** What the string macros read: a task's context, or a command's stand-in for one. */
export type MacroContext = Pick<TaskContext, 'ds' | 'dataIntervalStart' | 'dataIntervalEnd' | 'dagId' | 'runId'> &
  Partial<Pick<TaskContext, 'params' | 'taskId'>>;

/** Which setting is rendered, for errors; `vars` are the project's vars under the run's `params.vars`. */
export interface TemplateField {
  readonly field: string;
  readonly vars?: () => Readonly<JsonObject>;
}

const MACROS: Record<string, (ctx: MacroContext) => string> = {
  ds: (ctx) => ctx.ds,
  ds_nodash: (ctx) => ctx.ds.replace(/-/g, ''),
  data_interval_start: (ctx) => ctx.dataIntervalStart.toISOString(),
  data_interval_end: (ctx) => ctx.dataIntervalEnd.toISOString(),
  dag_id: (ctx) => ctx.dagId,
  run_id: (ctx) => ctx.runId,
};
const KNOWN = [...Object.keys(MACROS), 'params.<name>', 'vars.<name>', 'var "<name>" ["default"]'];

const EXPRESSION = /\{\{(.*?)\}\}/g;
const PATH = /^([A-Za-z_]\w*)((?:\.[A-Za-z_][\w-]*)*)$/;
const VAR_CALL = /^var\s+"([^"]+)"(?:\s+"([^"]*)")?$/;

/**
 * Resolves a templated setting for one run. Strings may use Airflow's basic macros (`{{ds}}`,
 * `{{ds_nodash}}`, `{{data_interval_start}}`, `{{data_interval_end}}`, `{{dag_id}}`, `{{run_id}}`),
 * `{{params.name}}` (the DAG's params under the run's conf) and `{{vars.name}}` / `{{var "name"}}`;
 * an unknown name is an error naming the task and the setting, never text passed on.
 */
export function render<T>(value: Templated<T>, ctx: TaskContext, where?: TemplateField): T {
  if (typeof value === 'function') return (value as (c: TaskContext) => T)(ctx);
  if (typeof value !== 'string') return value;
  return renderMacros(value, ctx, where) as T;
}

export function renderMacros(value: string, ctx: MacroContext, where?: TemplateField): string {
  return value.replace(EXPRESSION, (whole, inner: string) => {
    const fail = (why: string): never => {
      const subject = [ctx.taskId && `task ${ctx.taskId}`, where?.field].filter(Boolean).join(', ');
      throw new SluiceError('DAG_INVALID', `${subject ? `${subject}: ` : ''}${whole} in "${value}": ${why}`);
    };
    const expr = inner.trim();
    const call = VAR_CALL.exec(expr);
    if (call) return text(lookup(varsOf(ctx, where), [call[1]], 'vars', call[2], fail), fail);
    const path = PATH.exec(expr);
    if (!path) return fail(`not a name this setting can use (known: ${KNOWN.join(', ')})`);
    const [head, ...rest] = [path[1], ...path[2].split('.').slice(1)];
    if (head === 'params' && rest.length) {
      if (!ctx.params) return fail('params are not available here (only in a task of a DAG run)');
      return text(lookup(ctx.params, rest, 'params', undefined, fail), fail);
    }
    if (head === 'vars' && rest.length) return text(lookup(varsOf(ctx, where), rest, 'vars', undefined, fail), fail);
    const macro = MACROS[head];
    if (!macro || rest.length)
      return fail(`unknown name${didYouMean(expr, Object.keys(MACROS))} (known: ${KNOWN.join(', ')})`);
    return macro(ctx);
  });
}

function varsOf(ctx: MacroContext, where: TemplateField | undefined): Readonly<JsonObject> {
  const conf = ctx.params?.vars;
  const runVars = conf && typeof conf === 'object' && !Array.isArray(conf) ? conf : {};
  return { ...(where?.vars?.() ?? {}), ...runVars };
}

function lookup(
  base: Readonly<JsonObject>,
  parts: readonly string[],
  what: string,
  fallback: string | undefined,
  fail: (why: string) => never,
): JsonValue {
  let value: JsonValue | undefined = base as JsonObject;
  for (let i = 0; i < parts.length; i++) {
    const owner: JsonValue | undefined = value;
    value =
      owner !== null && typeof owner === 'object' && !Array.isArray(owner) && Object.hasOwn(owner, parts[i])
        ? owner[parts[i]]
        : undefined;
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      const keys = owner !== null && typeof owner === 'object' ? Object.keys(owner) : [];
      return fail(`${[what, ...parts.slice(0, i)].join('.')} has no "${parts[i]}"${didYouMean(parts[i], keys)}`);
    }
  }
  return value;
}

function text(value: JsonValue, fail: (why: string) => never): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(`it is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}, not text`);
}

/**
 * The names a templated string uses that no run could resolve (a misspelt macro), for the DAG
 * file's own errors: `params` and `vars` are known only when a run renders it.
 */
export function templateProblems(value: unknown, field: string): string[] {
  if (typeof value !== 'string') return [];
  const out: string[] = [];
  for (const m of value.matchAll(EXPRESSION)) {
    const expr = m[1].trim();
    const path = PATH.exec(expr);
    const head = path?.[1];
    const ok =
      VAR_CALL.test(expr) ||
      (path && (head === 'params' || head === 'vars') && path[2] !== '') ||
      (head !== undefined && MACROS[head] && path![2] === '');
    if (!ok)
      out.push(
        `${field}: ${m[0]} in "${value}" is not a name it can use${didYouMean(expr, Object.keys(MACROS))} (known: ${KNOWN.join(', ')})`,
      );
  }
  return out;
}
