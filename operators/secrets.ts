import { SluiceError } from '../src/errors/errors';

/**
 * A secret named in a DAG file by its environment variable, read when the task runs (so the DAG
 * file and its stored structure never hold it). A missing variable is a clear error.
 */
export interface EnvSecret {
  readonly env: string;
}

export function readSecret(s: EnvSecret | string, what: string): string {
  if (typeof s === 'string') return s;
  const value = process.env[s.env];
  if (value === undefined || value === '') throw new SluiceError('USAGE', `${what}: environment variable ${s.env} is not set`);
  return value;
}
