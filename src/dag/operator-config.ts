import { deepFreeze, resolveConfig, type Config } from '../config/config';

/*
 * The resolved configuration operators read, when a DAG file is parsed (where the models and suites
 * are) and when a task runs (where Data Docs go), instead of reading the environment. The process
 * running DAG code sets it once at its edge: a worker child from the job the executor sends (its
 * own resolved configuration), a parse child from each request (the parent's). Anywhere else (a
 * script importing a DAG file) it is resolved once, on first use, from the environment.
 */
let current: Config | undefined;

export function operatorConfig(): Config {
  return (current ??= resolveConfig());
}

/** Called by the worker child before it loads a DAG file for a job. */
export function setOperatorConfig(config: Config): void {
  current = deepFreeze(config);
}
