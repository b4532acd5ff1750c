/**
 * A try's log on its way to the platform schema: the executor appends what the task prints and
 * writes it out in bounded chunks, and keeps at most `limitBytes` per try. What is over the limit
 * is counted, not kept, and the log ends with a note saying how much was dropped. Memory per try
 * is bounded by the limit, whatever the task prints.
 */
export class LogSpool {
  private pending: string[] = [];
  private pendingBytes = 0;
  private keptBytes = 0;
  private droppedBytes = 0;

  constructor(readonly limitBytes: number) {}

  /** Bytes waiting to be written. */
  get waiting(): number {
    return this.pendingBytes;
  }

  append(text: string): void {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    const room = this.limitBytes - this.keptBytes;
    if (bytes <= room) return this.keep(text, bytes);
    if (room > 0) {
      const head = Buffer.from(text)
        .subarray(0, room)
        .toString('utf8')
        .replace(/\uFFFD$/, ''); // cut on a character
      const headBytes = Buffer.byteLength(head);
      this.keep(head, headBytes);
      this.droppedBytes += bytes - headBytes;
    } else {
      this.droppedBytes += bytes;
    }
  }

  /** Counts output dropped before it reached this spool (the worker child caps it too). */
  dropped(bytes: number): void {
    this.droppedBytes += bytes;
  }

  /** Takes what is waiting; with `final`, adds the truncation note if output was dropped. */
  take(final = false): string {
    let text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (final && this.droppedBytes) {
      text +=
        `${text && !text.endsWith('\n') ? '\n' : ''}[sluice] log truncated: ${this.droppedBytes} more bytes of output were dropped ` +
        `(at most ${this.limitBytes} bytes are kept per try; SLUICE_TASK_LOG_LIMIT sets it)\n`;
      this.droppedBytes = 0;
    }
    return text;
  }

  /** Puts back text that could not be written, ahead of anything appended since. */
  restore(text: string): void {
    if (!text) return;
    this.pending.unshift(text);
    this.pendingBytes += Buffer.byteLength(text);
  }

  private keep(text: string, bytes: number): void {
    this.pending.push(text);
    this.pendingBytes += bytes;
    this.keptBytes += bytes;
  }
}
