import { resolveConfig, withOverrides, type Config } from '../config/config';
import { isSluiceError, formatIssue } from '../errors/errors';
import type { Runtime } from '../actions/runtime';
import { parseDate } from '../timetables/dates';
import type { JsonObject } from '../dag/types';
import { parseConf as parseConfText } from '../dag/run-conf';

/** Resolves configuration once per command, with a command's flags layered on top. */
export function config(patch: Parameters<typeof withOverrides>[1] = {}): Config {
  return withOverrides(resolveConfig(), patch);
}

/** Opens the runtime for one command and always closes it. */
export async function withRuntime<T>(
  cfg: Config,
  fn: (rt: Runtime) => Promise<T>,
  opts: { listen?: boolean; announce?: boolean } = {},
): Promise<T> {
  // Loaded here, not at the top: commands that need no database start faster.
  const { openRuntime } = require('../actions/runtime') as typeof import('../actions/runtime');
  const rt = await openRuntime(cfg, opts);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** `--conf` of any command (trigger, dags test, backfill, tasks test), checked before the database is opened. */
export function parseConf(raw: string | undefined): JsonObject | undefined {
  return raw === undefined ? undefined : parseConfText(raw, '--conf');
}

export function optionalDate(raw: string | undefined, tz = 'UTC'): Date | undefined {
  return raw === undefined ? undefined : parseDate(raw, tz, '--date');
}

/** Every command's errors end here: a user's mistake is one readable message, never a stack trace. */
export function reportError(e: unknown): number {
  if (isSluiceError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    return e.code === 'USAGE' ? 2 : 1;
  }
  const err = e as Error;
  process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
  if (process.env.SLUICE_LOG_LEVEL === 'debug') process.stderr.write(`${err?.stack}\n`);
  return 1;
}

export { formatIssue };
