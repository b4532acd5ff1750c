import { format } from 'node:util';
import type { Logger } from '../dag/types';

/** The logger a task's context gets: timestamped, levelled lines handed to `write`. */
export function taskLogger(write: (text: string) => void): Logger {
  const line =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      write(`[${new Date().toISOString()}] ${level.padEnd(5)} ${format(message, ...args)}\n`);
  return { debug: line('DEBUG'), info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}
