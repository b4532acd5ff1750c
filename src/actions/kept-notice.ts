import type { JsonValue } from '../dag/types';

/** A task that kept what an earlier run wrote instead of writing it again (raw is written once). */
export interface KeptNotice {
  readonly taskId: string;
  /** `bucket/key` of the object kept. */
  readonly object: string;
  readonly rows: number;
  /** What to pass to extract again. */
  readonly reland: string;
}

const RELAND = `--conf '{"reland": true}'`;

/** The notice for a task whose return value says it kept a landing (see operators/land.ts), else undefined. */
export function keptNotice(taskId: string, value: JsonValue | undefined): KeptNotice | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.kept !== true) return undefined;
  return { taskId, object: `${String(value.bucket)}/${String(value.key)}`, rows: Number(value.rows), reland: RELAND };
}

/** The notices of a run's tasks, from their return values by task id. */
export function keptNotices(values: Readonly<Record<string, JsonValue>>): KeptNotice[] {
  return Object.entries(values)
    .map(([taskId, v]) => keptNotice(taskId, v))
    .filter((n) => n !== undefined);
}
