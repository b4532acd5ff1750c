import { SluiceError } from '../errors/errors';
import { describe, paginator, valueAtPath, type Pagination } from './http-pagination';
import { isSecretParam, requestsFrom } from './http-credentials';
import { DEFAULT_MAX_REDIRECTS } from './http-redirects';
import {
  DEFAULT_RETRY,
  excerpt,
  getWithRetry,
  type FetchCounters,
  type RetryInfo,
  type RetryPolicy,
} from './http-retry';
import type { ColumnSpec, SourceRow, SourceSummary } from '../lake/column-spec';

/**
 * Rows from a paginated JSON HTTP API. One page is in memory at a time: its records are yielded
 * before the next page is requested, so a consumer that stops early stops the requests too.
 */
export interface HttpSourceOptions {
  readonly url: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Sent, like `auth`, only to the configured URL's origin (see http-credentials). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Resolved by the caller (from the environment); sent only to the configured URL's origin and never shown. */
  readonly auth?: { readonly header: string; readonly value: string };
  /** Redirects followed per request (default 10); each hop to another origin drops the credentials. */
  readonly maxRedirects?: number;
  /** Dotted path to the records array in each response: 'data', 'data.items'; '' (default) for a top-level array. */
  readonly recordPath?: string;
  readonly columns: readonly ColumnSpec[];
  readonly pagination?: Pagination;
  /** Safety limit against an API that never says "last page" (default 10,000). */
  readonly maxPages?: number;
  /** Per request, its redirects and body included (default 30 s). */
  readonly timeoutMs?: number;
  /** Default 5. */
  readonly maxRetries?: number;
  readonly retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** Query parameters to redact in messages and row locations, beyond the usual names (api_key, token, …). */
  readonly secretParams?: readonly string[];
  readonly onRetry?: (info: RetryInfo) => void;
  /** A redirect or next link to another origin, which is sent without the credentials (once per origin and way). */
  readonly onWithheld?: (info: WithheldInfo) => void;
  readonly signal?: AbortSignal;
}

export interface WithheldInfo {
  readonly via: 'redirect' | 'next link';
  /** The configured URL's origin, the only one the credentials go to. */
  readonly home: string;
  /** Shown URLs (secrets redacted). */
  readonly from: string;
  readonly to: string;
  /** Header names and `query parameter <name>`. */
  readonly withheld: readonly string[];
}

export interface HttpSourceStats {
  readonly pages: number;
  readonly requests: number;
  readonly retries: number;
  readonly records: number;
}

export interface HttpSource extends AsyncIterable<SourceRow> {
  /** Counters of the latest (or current) iteration, for the caller's log. */
  stats(): HttpSourceStats;
  summary(): SourceSummary;
}

export function httpSource(options: HttpSourceOptions): HttpSource {
  const base = checkOptions(options);
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY,
    ...options.retry,
    maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries,
  };
  const maxPages = options.maxPages ?? 10_000;
  const recordPath = options.recordPath ?? '';
  const show = (u: URL) => redactUrl(u, options);
  const requestFor = requestsFrom(base, options);
  let counters: FetchCounters & { pages: number; records: number } = { requests: 0, retries: 0, pages: 0, records: 0 };

  async function* rows(): AsyncGenerator<SourceRow> {
    counters = { requests: 0, retries: 0, pages: 0, records: 0 };
    const pages = paginator(base, options.pagination ?? { mode: 'none' });
    // The next page is requested as soon as its URL is known, while this page's records are
    // consumed: the network overlaps the lake work. Stopping early aborts the request in flight.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const told = new Set<string>();
    const withheld = (via: WithheldInfo['via'], from: URL, to: URL, what: readonly string[]) => {
      const key = `${via} ${to.origin}`;
      if (told.has(key)) return;
      told.add(key);
      options.onWithheld?.({ via, home: base.origin, from: show(from), to: show(to), withheld: what });
    };
    const fetchPage = (url: URL, from?: URL) => {
      const shownUrl = show(url);
      const where = `GET ${shownUrl} page ${counters.pages + 1}`;
      // A next link elsewhere: the credential belongs to the configured API only.
      const out = requestFor(url);
      if (from && out.withheld.length) withheld('next link', from, url, out.withheld);
      const res = getWithRetry({
        url,
        shownUrl,
        show,
        requestFor,
        maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
        onWithheld: (i) => withheld('redirect', i.from, i.to, i.withheld),
        timeoutMs: options.timeoutMs ?? 30_000,
        retry,
        counters,
        onRetry: options.onRetry,
        signal,
      }).then((r) => ({ url: r.url, where, res: r }));
      res.catch(() => undefined); // awaited below, or abandoned when the consumer stops early
      return res;
    };
    let pending = pages.first ? fetchPage(pages.first) : undefined;
    try {
      while (pending) {
        const { url, where, res } = await pending;
        counters.pages++;
        let body: unknown;
        try {
          body = JSON.parse(res.body);
        } catch (e) {
          throw new SluiceError(
            'INPUT_MALFORMED',
            `${where}: response is not JSON (${(e as Error).message}): ${excerpt(res.body, 200) || '(empty body)'}`,
          );
        }
        const records = valueAtPath(body, recordPath);
        if (!Array.isArray(records)) {
          throw new SluiceError(
            'INPUT_MALFORMED',
            `${where}: no array at ${recordPath === '' ? 'the top level' : `"${recordPath}"`} of the response (found ${records === undefined ? 'nothing' : describe(records)})`,
          );
        }
        const next = pages.next({ url, body, headers: res.headers, records: records.length, where });
        if (next && counters.pages >= maxPages) {
          throw new SluiceError(
            'SOURCE_FAILED',
            `${where}: more pages follow but maxPages (${maxPages}) is reached; ` +
              'raise maxPages if the API really has that many, else its pagination does not end (a repeating cursor or link?)',
          );
        }
        pending = next ? fetchPage(next, url) : undefined;
        for (let i = 0; i < records.length; i++) {
          counters.records++;
          const at = `${where} record ${i + 1}`;
          yield { values: pick(records[i], options.columns, at), at };
        }
      }
    } finally {
      stop.abort();
    }
  }

  return {
    [Symbol.asyncIterator]: () => rows(),
    stats: () => ({
      pages: counters.pages,
      requests: counters.requests,
      retries: counters.retries,
      records: counters.records,
    }),
    summary: () => ({ rows: counters.records }),
  };
}

/** The declared columns of one record; a missing key is null (coercion happens in the lake writer). */
function pick(record: unknown, columns: readonly ColumnSpec[], at: string): Record<string, unknown> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new SluiceError('INPUT_MALFORMED', `${at}: the record is ${describe(record)}, not an object`);
  }
  const values: Record<string, unknown> = {};
  for (const c of columns)
    values[c.name] = Object.hasOwn(record, c.name) ? ((record as Record<string, unknown>)[c.name] ?? null) : null;
  return values;
}

/** The URL for messages: no userinfo, secret-looking query values (and the auth value wherever it appears) replaced by ***. */
export function redactUrl(url: URL, o: Pick<HttpSourceOptions, 'secretParams' | 'auth'> = {}): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  for (const [k, v] of [...u.searchParams]) {
    if (isSecretParam(k, o.secretParams) || (o.auth?.value && v === o.auth.value)) u.searchParams.set(k, '***');
  }
  return u.toString();
}

function checkOptions(o: HttpSourceOptions): URL {
  const bad = (msg: string): never => {
    throw new SluiceError('USAGE', `http source: ${msg}`);
  };
  let base: URL;
  try {
    base = new URL(o.url);
  } catch {
    return bad(`url ${JSON.stringify(o.url)} is not an absolute URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') bad(`url must be http or https, got ${base.protocol}`);
  if (!o.columns?.length) bad('no columns declared');
  const posInt = (name: string, v: number | undefined, min = 1) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) bad(`${name} must be an integer >= ${min}, got ${v}`);
  };
  posInt('maxPages', o.maxPages);
  posInt('timeoutMs', o.timeoutMs);
  posInt('maxRetries', o.maxRetries, 0);
  posInt('maxRedirects', o.maxRedirects, 0);
  const p = o.pagination;
  if (p && !['none', 'page', 'offset', 'cursor', 'next-link'].includes(p.mode))
    bad(`unknown pagination mode ${JSON.stringify(p.mode)}`);
  if (p?.mode === 'page') {
    posInt('pagination.pageSize', p.pageSize);
    posInt('pagination.firstPage', p.firstPage, 0);
  }
  if (p?.mode === 'offset') {
    if (p.limit === undefined) bad('offset pagination needs a limit');
    posInt('pagination.limit', p.limit);
  }
  if (p?.mode === 'cursor' && typeof p.cursorPath !== 'string') bad('cursor pagination needs a cursorPath');
  if (o.auth && (!o.auth.header || typeof o.auth.value !== 'string')) bad('auth needs a header name and a value');
  for (const [k, v] of Object.entries(o.params ?? {})) base.searchParams.set(k, String(v));
  return base;
}
