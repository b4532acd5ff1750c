import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkTs } from '../process/fork-ts';
import { signalGroup } from '../process/process-group';
import type { FromChild, ToChild } from './protocol';

/**
 * One worker child process and the task it is running. The child is started on first use and
 * replaced after it dies or is killed. It leads a process group of its own, so killing the slot
 * (timeout, lost try, shutdown) ends whatever the task started too.
 */
export class WorkerSlot {
  child: ChildProcess | undefined;
  tiId: number | undefined;

  constructor(
    private readonly onMessage: (slot: WorkerSlot, m: FromChild) => void,
    private readonly onExit: (slot: WorkerSlot, reason: string) => void,
  ) {}

  get busy(): boolean {
    return this.tiId !== undefined;
  }

  send(m: ToChild): void {
    const child = (this.child ??= this.spawn());
    child.send(m);
  }

  /** Sends to the running child only (a lease for a child that is gone would start a new one). */
  tell(m: ToChild): void {
    if (this.child?.connected) this.child.send(m, () => undefined);
  }

  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    if (!signalGroup(child.pid)) child.kill('SIGKILL');
  }

  private spawn(): ChildProcess {
    const child = forkTs(path.join(__dirname, 'worker-child.ts'), {}, { detached: true });
    const stray = (chunk: Buffer) => {
      // Output written below JavaScript (native code, inherited fds) still belongs to the running task.
      if (this.tiId !== undefined) this.onMessage(this, { type: 'log', tiId: this.tiId, text: chunk.toString() });
    };
    child.stdout?.on('data', stray);
    child.stderr?.on('data', stray);
    child.on('message', (m: FromChild) => this.onMessage(this, m));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // What the task started may outlive the child's own death: end the group with it.
      if (child.pid) signalGroup(child.pid);
      this.onExit(this, signal ? `signal ${signal}` : `exit code ${code}`);
    });
    child.on('error', () => undefined);
    return child;
  }
}
