/**
 * Where the alerts benchmark's messages go: a loopback Slack Web API and an SMTP server in a child
 * process (alert-sinks-child.ts), with every accepted message and the wall-clock time it arrived.
 */
import path from 'node:path';
import { forkTs } from '../../src/process/fork-ts';

/** One message a stand-in accepted: the Slack channel or mail recipient, the fallback text or subject, when (ms since the epoch). */
export interface Arrival {
  readonly channel: 'slack' | 'email';
  readonly to: string;
  readonly text: string;
  readonly at: number;
}

/** What the child says over IPC. */
export type SinksMessage =
  { readonly ready: { readonly slackUrl: string; readonly smtpUrl: string } } | { readonly arrival: Arrival };

export interface AlertSinks {
  /** The Web API's base URL (SLACK_API_URL). */
  readonly slackUrl: string;
  /** smtp://127.0.0.1:<port> (SMTP_URL). */
  readonly smtpUrl: string;
  /** Every message accepted so far, in the order they arrived. */
  readonly arrivals: readonly Arrival[];
  /** Resolves to true once `done(arrivals)` holds (checked as messages arrive), to false after `timeoutMs`. */
  until(done: (arrivals: readonly Arrival[]) => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function startAlertSinks(): Promise<AlertSinks> {
  const child = forkTs(path.join(__dirname, 'alert-sinks-child.ts'));
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  return new Promise((resolve, reject) => {
    let ready = false;
    child.on('message', (m: SinksMessage) => {
      if ('arrival' in m) {
        arrivals.push(m.arrival);
        for (const w of [...waiters]) w();
        return;
      }
      ready = true;
      resolve({
        slackUrl: m.ready.slackUrl,
        smtpUrl: m.ready.smtpUrl,
        arrivals,
        until(done, timeoutMs) {
          if (done(arrivals)) return Promise.resolve(true);
          return new Promise<boolean>((settle) => {
            const check = () => {
              if (!done(arrivals)) return;
              clearTimeout(timer);
              waiters.delete(check);
              settle(true);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              settle(false);
            }, timeoutMs);
            waiters.add(check);
          });
        },
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.send('close');
          }),
      });
    });
    child.on('exit', (code, signal) => {
      if (!ready) reject(new Error(`the alert stand-ins exited (${signal ?? code}): ${tail.trim() || '(no output)'}`));
    });
  });
}
