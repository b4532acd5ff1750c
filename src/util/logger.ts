import { format } from 'node:util';

export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface LineLoggerOptions {
  /** Lines below this level are dropped. */
  readonly level?: Level;
  /** Lays out one line from its timestamp, level (upper case, padded to 5) and formatted message. */
  readonly line?: (at: string, level: string, message: string) => string;
}

/** The one logger: levelled, timestamped lines (printf-style arguments) handed to `write`. */
export function lineLogger(write: (text: string) => void, opts: LineLoggerOptions = {}): Logger {
  const min = LEVELS.indexOf(opts.level ?? 'debug');
  const line = opts.line ?? ((at, level, message) => `${at} ${level} ${message}\n`);
  const at =
    (l: Level) =>
    (message: string, ...args: unknown[]) => {
      if (LEVELS.indexOf(l) >= min)
        write(line(new Date().toISOString(), l.toUpperCase().padEnd(5), format(message, ...args)));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Process log lines (scheduler, executor) on stderr, so command output on stdout stays clean. */
export function consoleLogger(level: Level = 'info', name = 'sluice'): Logger {
  return lineLogger((text) => process.stderr.write(text), {
    level,
    line: (at, l, message) => `${at} ${l} [${name}] ${message}\n`,
  });
}

/** The logger a task's context gets: its lines go to the task's log. */
export function taskLogger(write: (text: string) => void): Logger {
  return lineLogger(write, { line: (at, l, message) => `[${at}] ${l} ${message}\n` });
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
