import { SluiceError } from '../errors/errors';
import type { RequestFor } from './http-credentials';

/**
 * One GET that follows redirects itself (fetch would forward every header but `Authorization` to
 * wherever a 302 points): each hop's headers and URL come from `requestFor`, so credentials reach
 * the configured origin only.
 */

export const DEFAULT_MAX_REDIRECTS = 10;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

export interface FollowRequest {
  readonly url: URL;
  readonly requestFor: RequestFor;
  readonly maxRedirects: number;
  /** The URL as it may appear in messages. */
  readonly show: (url: URL) => string;
  /** A hop to another origin, with what it does not get. */
  readonly onWithheld?: (info: { readonly from: URL; readonly to: URL; readonly withheld: readonly string[] }) => void;
  readonly signal: AbortSignal;
}

export interface FollowedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** Where the response came from: the requested URL, or the last redirect's target. */
  readonly url: URL;
  readonly redirects: number;
}

export async function getFollowingRedirects(req: FollowRequest): Promise<FollowedResponse> {
  let url = req.url;
  for (let redirects = 0; ; redirects++) {
    const out = req.requestFor(url);
    const res = await fetch(out.url, { method: 'GET', headers: out.headers, signal: req.signal, redirect: 'manual' });
    if (!REDIRECT.has(res.status))
      return { status: res.status, headers: res.headers, body: await res.text(), url, redirects };
    await res.body?.cancel().catch(() => undefined);
    const at = `GET ${req.show(req.url)}${redirects ? ` (redirected to ${req.show(url)})` : ''}`;
    const location = res.headers.get('location');
    if (location === null || location === '') {
      throw new SluiceError('SOURCE_FAILED', `${at} failed: HTTP ${res.status} redirect without a Location header`);
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new SluiceError(
        'SOURCE_FAILED',
        `${at} failed: HTTP ${res.status} redirect to ${JSON.stringify(location)}, which is not a URL`,
      );
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new SluiceError(
        'SOURCE_FAILED',
        `${at} failed: HTTP ${res.status} redirect to a ${next.protocol} URL; only http and https are followed`,
      );
    }
    if (next.username || next.password) {
      throw new SluiceError(
        'SOURCE_FAILED',
        `${at} failed: HTTP ${res.status} redirect to a URL with a user name or password in it (${req.show(next)}); not followed`,
      );
    }
    if (redirects >= req.maxRedirects) {
      throw new SluiceError(
        'SOURCE_FAILED',
        `${at} failed: more than ${req.maxRedirects} redirects (the next to ${req.show(next)}); ` +
          'raise maxRedirects if the API really needs that many, else its redirects loop',
      );
    }
    const withheld = req.requestFor(next).withheld;
    if (withheld.length) req.onWithheld?.({ from: url, to: next, withheld });
    url = next;
  }
}
