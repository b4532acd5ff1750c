import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkTs } from '../process/fork-ts';
import { SecretSet } from '../secrets/task-secrets';
import type { FromChild, ToChild } from './protocol';

/**
 * One worker child process and the task it is running. The child is started on first use and
 * replaced after it dies or is killed for a timeout.
 */
export class WorkerSlot {
  child: ChildProcess | undefined;
  tiId: number | undefined;
  /** The running try's secrets, as the child reported them: its own messages are masked already, stray output is not. */
  private readonly secrets = new SecretSet();

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

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  private spawn(): ChildProcess {
    const child = forkTs(path.join(__dirname, 'worker-child.ts'));
    const stray = (chunk: Buffer) => {
      // Output written below JavaScript (native code, inherited fds) still belongs to the running task.
      if (this.tiId !== undefined) this.onMessage(this, { type: 'log', tiId: this.tiId, text: this.secrets.mask(chunk.toString()) });
    };
    child.stdout?.on('data', stray);
    child.stderr?.on('data', stray);
    child.on('message', (m: FromChild) => {
      if (m.type !== 'secrets') this.onMessage(this, m);
      else if (m.tiId === this.tiId) for (const v of m.values) this.secrets.add(v);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.onExit(this, signal ? `signal ${signal}` : `exit code ${code}`);
    });
    child.on('error', () => undefined);
    return child;
  }
}
