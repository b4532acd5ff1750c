import type { TaskContext } from './types';

/** A setting fixed in the DAG file or computed per run: `'orders/{{ds}}.csv'` or `(ctx) => …`. */
export type Templated<T = string> = T | ((ctx: TaskContext) => T);

/** What the string macros read: a task's context, or a command's stand-in for one. */
export type MacroContext = Pick<TaskContext, 'ds' | 'dataIntervalStart' | 'dataIntervalEnd' | 'dagId' | 'runId'>;

const MACROS: Record<string, (ctx: MacroContext) => string> = {
  ds: (ctx) => ctx.ds,
  ds_nodash: (ctx) => ctx.ds.replace(/-/g, ''),
  data_interval_start: (ctx) => ctx.dataIntervalStart.toISOString(),
  data_interval_end: (ctx) => ctx.dataIntervalEnd.toISOString(),
  dag_id: (ctx) => ctx.dagId,
  run_id: (ctx) => ctx.runId,
};

/**
 * Resolves a templated setting for one run. Strings may use Airflow's basic macros
 * (`{{ds}}`, `{{ds_nodash}}`, `{{data_interval_start}}`, `{{data_interval_end}}`, `{{dag_id}}`,
 * `{{run_id}}`); an unknown one is an error rather than text passed on silently.
 */
export function render<T>(value: Templated<T>, ctx: TaskContext): T {
  if (typeof value === 'function') return (value as (c: TaskContext) => T)(ctx);
  if (typeof value !== 'string') return value;
  return renderMacros(value, ctx) as T;
}

export function renderMacros(value: string, ctx: MacroContext): string {
  return value.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
    const macro = MACROS[name];
    if (!macro) throw new Error(`unknown macro ${whole} in "${value}" (known: ${Object.keys(MACROS).join(', ')})`);
    return macro(ctx);
  });
}
