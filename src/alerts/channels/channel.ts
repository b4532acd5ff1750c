/**
 * A channel delivers one rendered alert and says how it went. The dispatcher retries durably (an outbox
 * row per delivery), so a channel tries once, never throws and never waits forever: it answers ok, retry
 * (down, timed out, rate limited) or permanent (never going to work as configured), in text short enough
 * for a table and a page, with its own credentials masked out.
 */
import { isSluiceError } from '../../errors/errors';
import type { SecretSet } from '../../secrets/task-secrets';
import type { AlertMessage, AlertTarget, DeliveryAnswer } from '../message';

export interface AlertChannel {
  readonly kind: AlertTarget['channel'];
  /** Sends `m` to `to` (a Slack channel, a webhook's name, email addresses). Resolves, always. */
  send(to: string, m: AlertMessage): Promise<DeliveryAnswer>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

const MAX_ANSWER = 500;

// The libraries time out on their own (and close their sockets); this guard only catches a send that
// hangs past them, so it waits a little longer than they do.
const GUARD_GRACE_MS = 1_000;

export const retry = (answer: string, retryAfterMs?: number): DeliveryAnswer =>
  retryAfterMs === undefined ? { ok: false, retry: true, answer } : { ok: false, retry: true, answer, retryAfterMs };

export const permanent = (answer: string): DeliveryAnswer => ({ ok: false, retry: false, answer });

/** What a channel is made of: its masking, its timeout, one attempt, and its reading of a failure. */
export interface ChannelParts {
  readonly kind: AlertChannel['kind'];
  /** The channel's credentials, masked out of every answer. */
  readonly secrets: SecretSet;
  readonly timeoutMs: number;
  /** One try; may throw, and `failure` says what the thrown value means. */
  attempt(to: string, m: AlertMessage): Promise<DeliveryAnswer>;
  failure(e: unknown): DeliveryAnswer;
  close?(): Promise<void>;
}

/**
 * A channel whose send runs one attempt under a timeout and turns whatever happens into a masked,
 * clipped answer: a thrown value goes through `failure`, a broken template is permanent (sending it
 * again renders it again).
 */
export function guardedChannel(parts: ChannelParts): AlertChannel {
  return {
    kind: parts.kind,
    send: (to, m) => deliver(parts, () => parts.attempt(to, m)),
    close: async () => parts.close?.(),
  };
}

async function deliver(parts: ChannelParts, attempt: () => Promise<DeliveryAnswer>): Promise<DeliveryAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DeliveryAnswer>((resolve) => {
    const ms = parts.timeoutMs;
    timer = setTimeout(() => resolve(retry(`no answer within ${ms} ms`)), ms + GUARD_GRACE_MS);
  });
  const answered = attempt().catch((e: unknown) => {
    if (isSluiceError(e) && e.code === 'ALERT_TEMPLATE') return permanent(e.message);
    try {
      return parts.failure(e);
    } catch {
      return retry(errorText(e));
    }
  });
  try {
    return clean(await Promise.race([answered, timedOut]), parts.secrets);
  } finally {
    clearTimeout(timer);
  }
}

/** An error's message and those of its causes ("fetch failed: connect ECONNREFUSED 127.0.0.1:9"). */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  // Read by shape, not instanceof: fetch's errors come from another realm under jest's sandbox.
  for (let x = e, depth = 0; x !== undefined && x !== null && depth < 4; depth++) {
    const { message, cause } = (typeof x === 'object' ? x : { message: x }) as { message?: unknown; cause?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    x = cause;
  }
  return parts.join(': ') || 'unknown error';
}

/** Masked first (clipping could cut a secret in two and leave half of it), then one line, then clipped. */
function clean(a: DeliveryAnswer, secrets: SecretSet): DeliveryAnswer {
  const line = secrets.mask(a.answer).replace(/\s+/g, ' ').trim() || (a.ok ? 'ok' : 'failed');
  const answer = line.length > MAX_ANSWER ? `${line.slice(0, MAX_ANSWER - 1)}…` : line;
  return { ...a, answer };
}
