import { format } from 'node:util';
import type { Logger } from '../dag/types';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

/** Process log lines (scheduler, executor) on stderr, so command output on stdout stays clean. */
export function consoleLogger(level: Level = 'info', name = 'sluice'): Logger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: Level) =>
    (message: string, ...args: unknown[]) => {
      if (LEVELS.indexOf(l) >= min)
        process.stderr.write(
          `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} [${name}] ${format(message, ...args)}\n`,
        );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
