import type { JsonObject } from '../dag/types';
import { SluiceError } from '../errors/errors';
import type { RunContext } from './types';

/**
 * The run context of a command-line compile or run: `ds` is the given day (default today, UTC) and
 * the data interval that day; vars come from `--vars` as a JSON object.
 */
export function commandRunContext(ds: string | undefined, varsJson: string | undefined): RunContext {
  const day = ds ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new SluiceError('USAGE', `--date must be a day written YYYY-MM-DD, got "${day}"`);
  }
  const start = new Date(`${day}T00:00:00Z`);
  return {
    ds: day,
    dataIntervalStart: start,
    dataIntervalEnd: new Date(start.getTime() + 86_400_000),
    vars: parseVars(varsJson),
  };
}

export function parseVars(raw: string | undefined): JsonObject {
  if (raw === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new SluiceError('USAGE', `--vars is not valid JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new SluiceError('USAGE', '--vars must be a JSON object, e.g. \'{"min_amount": 10}\'');
  return v as JsonObject;
}
