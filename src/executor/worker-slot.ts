import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkTs } from '../process/fork-ts';
import { signalGroup } from '../process/process-group';
import { SecretSet } from '../secrets/task-secrets';
import { OUTPUT_END, type FromChild, type ToChild } from './protocol';

/**
 * One worker child process and the task it is running. The child is started on first use and
 * replaced after it dies or is killed. It leads a process group of its own, so killing the slot
 * (timeout, lost try, shutdown) ends whatever the task started too.
 */
export class WorkerSlot {
  child: ChildProcess | undefined;
  tiId: number | undefined;
  /** The running try's secrets, as the child reported them: its own messages are masked already, stray output is not. */
  private readonly secrets = new SecretSet();
  private flushed: [stdout: boolean, stderr: boolean] = [false, false];
  private onFlushed: (() => void) | undefined;

  constructor(
    private readonly onMessage: (slot: WorkerSlot, m: FromChild) => void,
    private readonly onExit: (slot: WorkerSlot, reason: string) => void,
  ) {}

  get busy(): boolean {
    return this.tiId !== undefined;
  }

  send(m: ToChild): void {
    if (m.type === 'run') this.secrets.clear();
    const child = (this.child ??= this.spawn());
    child.send(m);
  }

  /** Sends to the running child only (a lease for a child that is gone would start a new one). */
  tell(m: ToChild): void {
    if (this.child?.connected) this.child.send(m, () => undefined);
  }

  /**
   * Resolves once the output the try's processes wrote to the inherited stdout and stderr before
   * it ended has been read (the child writes an end mark to both after each try: pipe data can
   * otherwise arrive after the IPC message that ends the try), or after `timeoutMs`.
   */
  outputRead(timeoutMs = 1000): Promise<void> {
    if (this.flushed[0] && this.flushed[1]) {
      this.flushed = [false, false];
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onFlushed = undefined;
        this.flushed = [false, false];
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.onFlushed = done;
    });
  }

  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    if (!signalGroup(child.pid)) child.kill('SIGKILL');
  }

  private spawn(): ChildProcess {
    const child = forkTs(path.join(__dirname, 'worker-child.ts'), {}, { detached: true });
    const stray = (stream: 0 | 1) => {
      let carry = '';
      return (chunk: Buffer) => {
        // Output written below JavaScript (native code, inherited fds) still belongs to the running task.
        let text = carry + chunk.toString();
        carry = '';
        const at = text.indexOf(OUTPUT_END);
        if (at >= 0) {
          text = text.slice(0, at) + text.slice(at + OUTPUT_END.length);
          this.flushed[stream] = true;
        } else {
          // The end mark may arrive in two reads: hold back what could be its start.
          for (let n = Math.min(OUTPUT_END.length - 1, text.length); n > 0; n--) {
            if (OUTPUT_END.startsWith(text.slice(-n))) {
              carry = text.slice(-n);
              text = text.slice(0, -n);
              break;
            }
          }
        }
        if (text && this.tiId !== undefined)
          this.onMessage(this, { type: 'log', tiId: this.tiId, text: this.secrets.mask(text) });
        if (this.flushed[0] && this.flushed[1]) this.onFlushed?.();
      };
    };
    child.stdout?.on('data', stray(0));
    child.stderr?.on('data', stray(1));
    child.on('message', (m: FromChild) => {
      if (m?.type !== 'secrets')
        this.onMessage(this, m); // anything else, garbage too, is the executor's to judge
      else if (m.tiId === this.tiId) for (const v of m.values) this.secrets.add(v);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.onFlushed?.();
      // What the task started may outlive the child's own death: end the group with it.
      if (child.pid) signalGroup(child.pid);
      this.onExit(this, signal ? `signal ${signal}` : `exit code ${code}`);
    });
    child.on('error', () => undefined);
    return child;
  }
}
