import { SluiceError } from '../src/errors/errors';
import { connectionPasswords } from '../src/secrets/connection-string';
import { registerSecret } from '../src/secrets/task-secrets';

/**
 * A secret named in a DAG file by its environment variable, read when the task runs (so the DAG
 * file and its stored structure never hold it). A missing variable is a clear error.
 */
export interface EnvSecret {
  readonly env: string;
}

/**
 * The secret's value, registered with the task's secrets so that the task's log, error and return
 * value show `***` in its place (a value written into the DAG file itself is masked too).
 */
export function readSecret(s: EnvSecret | string, what: string): string {
  const value = lookup(s, what);
  registerSecret(value);
  return value;
}

/** A connection string: only its passwords are secret (host and database stay readable in messages). */
export function readConnection(s: EnvSecret | string, what: string): string {
  const value = lookup(s, what);
  for (const p of connectionPasswords(value)) registerSecret(p);
  return value;
}

function lookup(s: EnvSecret | string, what: string): string {
  if (typeof s === 'string') return s;
  const value = process.env[s.env];
  if (value === undefined || value === '')
    throw new SluiceError('USAGE', `${what}: environment variable ${s.env} is not set`);
  return value;
}
