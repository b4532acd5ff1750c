import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../config/config';
import { forkTs } from '../process/fork-ts';
import type { ParseRequest } from './parse-child';
import type { ParseResult } from './parse-result';

interface Slot {
  child: ChildProcess | undefined;
  busy: boolean;
}

/**
 * A few warm child processes that import DAG files one at a time. Starting a process per file would
 * cost ~100 ms each; a warm child parses a small file in a few. A file that takes longer than the
 * timeout gets its child killed (and replaced), and becomes a TIMEOUT import error.
 */
export class ParserPool {
  private readonly slots: Slot[];
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly root: string,
    size: number,
    private readonly timeoutMs: number,
    /** What operators read while a file is parsed (`operatorConfig()`): the parent's resolved configuration. */
    private readonly operatorConfig?: Config,
  ) {
    this.slots = Array.from({ length: size }, () => ({ child: undefined, busy: false }));
  }

  async parseAll(files: readonly string[]): Promise<ParseResult[]> {
    return Promise.all(files.map((f) => this.parse(f)));
  }

  async parse(file: string): Promise<ParseResult> {
    const slot = await this.acquire();
    try {
      return await this.run(slot, file);
    } finally {
      slot.busy = false;
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) {
      s.child?.kill('SIGKILL');
      s.child = undefined;
    }
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      const free = this.slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private run(slot: Slot, file: string): Promise<ParseResult> {
    if (this.closed) throw new Error('parser pool is closed');
    const child = (slot.child ??= this.spawn(slot));
    const id = this.nextId++;
    const started = performance.now();
    const fail = (code: 'TIMEOUT' | 'CRASHED', message: string): ParseResult => ({
      file,
      dags: [],
      issues: [{ file, line: null, column: null, code, message }],
      ms: performance.now() - started,
    });
    return new Promise((resolve) => {
      const done = (r: ParseResult) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: { id: number; result: ParseResult }) => {
        if (m.id === id) done(m.result);
      };
      const onExit = (code: number | null, signal: string | null) => {
        slot.child = undefined;
        done(fail('CRASHED', `importing the file ended its parser process (${signal ?? `exit code ${code}`})`));
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        slot.child = undefined;
        done(
          fail(
            'TIMEOUT',
            `importing the file took longer than ${this.timeoutMs / 1000}s (an endless loop or blocking call at top level?)`,
          ),
        );
      }, this.timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, file, root: this.root, config: this.operatorConfig } satisfies ParseRequest);
    });
  }

  private spawn(slot: Slot): ChildProcess {
    const child = forkTs(path.join(__dirname, 'parse-child.ts'), { SLUICE_PARSE_CHILD: '1' });
    // DAG files may print at import; that output is not ours to show.
    child.stdout?.resume();
    child.stderr?.resume();
    child.on('exit', () => {
      if (slot.child === child) slot.child = undefined;
    });
    return child;
  }
}
