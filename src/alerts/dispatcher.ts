import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import type { Logger } from '../dag/types';
import { isSluiceError } from '../errors/errors';
import { recordMissedDeadlines } from '../state/alert-deadlines';
import {
  claimAlert,
  dueTargets,
  holdTarget,
  nextDueIn,
  recordOutcome,
  releasePace,
  suppressedSince,
  takePace,
  type AlertOutcome,
  type ClaimedAlert,
  type DueTarget,
} from '../state/alert-outbox';
import { composeMessage } from './compose';
import type { AlertMessage, DeliveryAnswer } from './message';
import type { ProjectRouting } from './project-routing';
import { routeEvents } from './router';
import { WakeLoop } from '../util/wake-loop';

/** What the dispatcher sends through, per channel (see channels/open-channels.ts). */
export interface AlertSender {
  send(to: string, m: AlertMessage): Promise<DeliveryAnswer>;
}

export interface DispatcherOptions {
  readonly senders: Partial<Record<'slack' | 'webhook' | 'email', AlertSender>>;
  readonly routing: () => ProjectRouting;
  readonly baseUrl: string;
  readonly mask: (text: string) => string;
  /** Least time between two messages to one target, per channel (Slack: about one per second per channel). */
  readonly paceMs: Readonly<Record<'slack' | 'webhook' | 'email', number>>;
  /** How long a claimed alert is this process's; longer than a send can take. */
  readonly leaseMs: number;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number };
  /** Poll for events and due alerts this often, besides NOTIFY. */
  readonly pollMs: number;
}

const NOT_CONFIGURED: Readonly<Record<string, string>> = {
  slack: 'Slack is not configured: set SLACK_BOT_TOKEN',
  webhook: 'no Slack webhooks are configured: set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_<NAME>',
  email: 'email is not configured: set SMTP_URL',
};

/**
 * The alert loop of a scheduler process: routes events into alerts, records missed deadlines, and
 * sends due alerts, each target paced and each alert claimed with a lease, so several processes
 * share the work and never send one alert twice. A send never blocks a run: it happens here, after
 * the run's state committed, and a failing provider only delays its own alerts (with backoff).
 */
export class AlertDispatcher {
  private readonly id = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private unsubscribe: Array<() => void> = [];
  private lastProblem: string | undefined;
  private routing: ProjectRouting | undefined;
  private readonly unconfiguredSaid = new Set<string>();
  private readonly loop = new WakeLoop(() => this.tick(), {
    idleMs: (next) => Math.min(this.opts.pollMs, next ?? this.opts.pollMs),
    onError: (e) => this.problem(isSluiceError(e) ? (e as Error).message : ((e as Error)?.stack ?? String(e))),
  });

  constructor(
    private readonly db: Database,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    // Events commit with a NOTIFY (Postgres); in one process, runs and tasks changing wake it too.
    this.unsubscribe = (['alerts', 'runs', 'tasks'] as const).map((c) => this.db.on(c, () => this.loop.wake()));
    this.loop.wake();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.loop.stop();
  }

  /** A problem is logged once until it changes (a provider down for an hour is one line, not thousands). */
  private problem(text: string): void {
    if (text !== this.lastProblem) this.log.error('alerts: %s', text);
    this.lastProblem = text;
  }

  /** One pass; resolves to how soon the next is due. */
  async tick(): Promise<number> {
    this.refreshRouting();
    await recordMissedDeadlines(this.db);
    if (this.routing) while ((await routeEvents(this.db, this.routing)) > 0);
    await this.sendDue();
    const next = await nextDueIn(this.db);
    return next === null ? this.opts.pollMs : Math.max(10, Math.ceil(next));
  }

  /** The project's routing.json, read again when it changed; a broken one is said once and the last good one kept. */
  private refreshRouting(): void {
    try {
      this.routing = this.opts.routing();
    } catch (e) {
      this.problem(`${(e as Error).message} (keeping the last good routing)`);
    }
  }

  /**
   * Each due target drained on its own, as far as its pace allows (a slow SMTP server does not hold
   * back Slack), the targets in parallel; how many alerts were handled.
   */
  private async sendDue(): Promise<number> {
    const targets = await dueTargets(this.db);
    const handled = await Promise.all(
      targets.map(async (t) => {
        // Until the target's pace stops it, or a send is to be retried (not again in this pass).
        let n = 0;
        for (;;) {
          const state = await this.sendOne(t);
          if (state) n++;
          if (!state || state === 'pending') return n;
        }
      }),
    );
    return handled.reduce((a, b) => a + b, 0);
  }

  /** Sends the target's next due alert; its outcome's state, or null when there was none to send now. */
  private async sendOne(t: DueTarget): Promise<AlertOutcome['state'] | null> {
    const channel = t.channel as keyof DispatcherOptions['paceMs'];
    if (!(await takePace(this.db, t, this.opts.paceMs[channel] ?? 0))) return null;
    const a = await claimAlert(this.db, t, this.id, this.opts.leaseMs);
    if (!a) {
      await releasePace(this.db, t);
      return null;
    }
    let message: AlertMessage | undefined;
    let outcome: AlertOutcome;
    try {
      message = await composeMessage(this.db, { ...a, suppressed: await suppressedSince(this.db, a) }, this.opts);
      const sender = this.opts.senders[channel];
      const answer: DeliveryAnswer = sender
        ? await sender.send(a.target, message)
        : { ok: false, retry: false, answer: NOT_CONFIGURED[channel] ?? `unknown channel ${channel}` };
      outcome = this.outcomeOf(a, answer, message);
      if (!answer.ok && answer.retry && answer.retryAfterMs) await holdTarget(this.db, t, answer.retryAfterMs);
    } catch (e) {
      // A bug of ours, not the provider's answer: retried like a provider that is down.
      outcome = this.outcomeOf(
        a,
        { ok: false, retry: true, answer: this.opts.mask(String((e as Error)?.message ?? e)) },
        message,
      );
    }
    if (!(await recordOutcome(this.db, a.id, this.id, outcome)))
      this.log.warn('alerts: alert %d was taken over by another process before its outcome was recorded', a.id);
    else if (outcome.state === 'failed' && !this.opts.senders[channel]) {
      // Once per channel, not per alert: a demo without Slack would otherwise log every alert it records.
      if (!this.unconfiguredSaid.has(channel))
        this.log.warn('alerts: %s (alerts to it are recorded as failed)', NOT_CONFIGURED[channel] ?? channel);
      this.unconfiguredSaid.add(channel);
    } else if (outcome.state === 'failed')
      this.log.warn('alerts: alert %d to %s %s failed: %s', a.id, a.channel, a.target, outcome.answer);
    return outcome.state;
  }

  private outcomeOf(a: ClaimedAlert, answer: DeliveryAnswer, message: AlertMessage | undefined): AlertOutcome {
    if (answer.ok) return { state: 'sent', answer: answer.answer, providerId: answer.providerId ?? null, message };
    if (!answer.retry) return { state: 'failed', answer: answer.answer, message };
    const { baseMs, maxMs, maxAttempts } = this.opts.retry;
    if (a.attempts >= maxAttempts)
      return { state: 'failed', answer: `gave up after ${a.attempts} attempts: ${answer.answer}`, message };
    const backoff = Math.min(maxMs, baseMs * 2 ** (a.attempts - 1));
    return { state: 'pending', answer: answer.answer, retryInMs: Math.max(backoff, answer.retryAfterMs ?? 0), message };
  }
}
