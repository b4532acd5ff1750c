import { isSluiceError, SluiceError } from '../errors/errors';
import type { RequestFor } from './http-credentials';
import { getFollowingRedirects, type FollowRequest } from './http-redirects';

/**
 * One HTTP GET with retries: 429 (honouring Retry-After), 5xx, network errors and timeouts are
 * retried with capped exponential backoff and jitter; any other non-2xx fails at once, since
 * asking again will not change a 401 or a 404. Each attempt starts again at the requested URL and
 * follows its redirects with `requestFor`'s headers per hop, so a retry never carries credentials
 * farther than the first attempt did.
 */

export interface RetryPolicy {
  /** Retries after the first attempt; 0 = one attempt only. */
  readonly maxRetries: number;
  /** First backoff; doubles per retry. */
  readonly baseDelayMs: number;
  /** Cap on one backoff delay. */
  readonly maxDelayMs: number;
  /** Cap on a server's Retry-After, so a "come back tomorrow" does not park a worker for a day. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Why and how long the next attempt waits; handed to `onRetry` for the caller's log. */
export interface RetryInfo {
  readonly url: string;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly reason: string;
  readonly delayMs: number;
}

export interface FetchCounters {
  requests: number;
  retries: number;
}

export interface GetRequest {
  readonly url: URL;
  /** The URL as it may appear in messages (secrets redacted). */
  readonly shownUrl: string;
  readonly show: (url: URL) => string;
  /** Headers (and URL) per destination: credentials only for the configured origin. */
  readonly requestFor: RequestFor;
  readonly maxRedirects: number;
  readonly onWithheld?: FollowRequest['onWithheld'];
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly counters: FetchCounters;
  readonly onRetry?: (info: RetryInfo) => void;
  readonly signal?: AbortSignal;
}

export interface GetResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** The URL the response came from, after redirects. */
  readonly url: URL;
}

/** Delay before retry `retry` (1-based): "equal jitter", i.e. between half and all of the capped exponential step. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}

export async function getWithRetry(req: GetRequest): Promise<GetResponse> {
  const { retry } = req;
  for (let attempt = 1; ; attempt++) {
    req.counters.requests++;
    let failure: { reason: string; retryable: boolean; retryAfterMs?: number };
    try {
      const res = await sendOnce(req);
      if (res.status >= 200 && res.status < 300) return res;
      const via = res.redirects ? `redirected to ${req.show(res.url)}: ` : '';
      const statusText = `${via}HTTP ${res.status}${res.body ? `: ${excerpt(res.body)}` : ''}`;
      const retryable = res.status === 429 || res.status >= 500;
      const ra = retryable ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
      failure = { reason: statusText, retryable, retryAfterMs: ra };
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason ?? e;
      if (isSluiceError(e)) throw e; // a redirect that cannot be followed: asking again will not change it
      failure = { reason: networkReason(e, req.timeoutMs), retryable: true };
    }
    if (!failure.retryable || attempt > retry.maxRetries) {
      const tries = attempt === 1 ? '' : ` after ${attempt} attempts`;
      throw new SluiceError('SOURCE_FAILED', `GET ${req.shownUrl} failed${tries}: ${failure.reason}`);
    }
    const delayMs =
      failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, retry.maxRetryAfterMs)
        : backoffDelayMs(retry, attempt);
    req.counters.retries++;
    req.onRetry?.({ url: req.shownUrl, attempt, reason: failure.reason, delayMs });
    await sleep(delayMs, req.signal);
  }
}

/** One attempt, redirects included; the timeout covers reading the body too, so a server that stalls mid-body is retried. */
function sendOnce(req: GetRequest) {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  return getFollowingRedirects({
    url: req.url,
    requestFor: req.requestFor,
    maxRedirects: req.maxRedirects,
    show: req.show,
    onWithheld: req.onWithheld,
    signal,
  });
}

function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return err?.cause?.message || err?.cause?.code || err?.message || String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
