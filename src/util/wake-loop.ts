/**
 * A loop of passes that anything may wake early: one pass at a time, a wake during a pass runs
 * another right after it, and an idle loop waits `idleMs(result)` before its next pass. The
 * scheduler and the alert dispatcher run on it.
 */
export class WakeLoop<R> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<R>,
    private readonly opts: {
      /** How long to wait after a pass that ended with this result (or failed: undefined). */
      readonly idleMs: (result: R | undefined) => number;
      readonly onError: (e: unknown) => void;
      readonly onSuccess?: () => void;
    },
  ) {}

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pass()
      .then(
        (r) => {
          this.opts.onSuccess?.();
          return r;
        },
        (e: unknown) => {
          this.opts.onError(e);
          return undefined;
        },
      )
      .then((r) => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.opts.idleMs(r));
      });
  }

  /** Stops waking and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
