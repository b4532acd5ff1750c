import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSluiceError } from '../../src/errors/errors';
import { nextFromLinkHeader } from '../../src/ingest/http-pagination';
import { backoffDelayMs, parseRetryAfter } from '../../src/ingest/http-retry';
import { httpSource, redactUrl, type HttpSourceOptions } from '../../src/ingest/http-source';
import { collect, failure } from '../support/iterables';

type Handler = (url: URL, req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let origin: string;
let handler: Handler;
let seen: { url: URL; headers: http.IncomingHttpHeaders }[];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, origin);
    seen.push({ url, headers: req.headers });
    handler(url, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen = [];
});
afterAll(() => {
  server.closeAllConnections(); // including requests a test left hanging
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const columns = [
  { name: 'id', type: 'integer' as const },
  { name: 'name', type: 'text' as const },
];
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 } };

function json(res: http.ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** `n` records with ids from..from+n-1. */
function recs(from: number, n: number): { id: number; name: string }[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => ({ id: from + i, name: `r${from + i}` }));
}

function src(o: Partial<HttpSourceOptions> & { path?: string }) {
  return httpSource({ url: origin + (o.path ?? '/items'), columns, ...fast, ...o });
}

describe('records', () => {
  it('reads a top-level array, picking declared columns (missing = null) with a precise location', async () => {
    handler = (_u, _q, res) => json(res, [{ id: 1, name: 'a', extra: true }, { id: 2 }, { id: 3, name: null }]);
    const s = src({ params: { since: '2026-01-01' } });
    const rows = await collect(s);
    expect(rows.map((r) => r.values)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: null },
      { id: 3, name: null },
    ]);
    expect(rows[1].at).toBe(`GET ${origin}/items?since=2026-01-01 page 1 record 2`);
    expect(seen[0].url.searchParams.get('since')).toBe('2026-01-01');
    expect(s.stats()).toEqual({ pages: 1, requests: 1, retries: 0, records: 3 });
    expect(s.summary()).toEqual({ rows: 3 });
  });

  it('follows a dotted recordPath', async () => {
    handler = (_u, _q, res) => json(res, { data: { items: recs(1, 2) }, meta: {} });
    expect((await collect(src({ recordPath: 'data.items' }))).map((r) => r.values.id)).toEqual([1, 2]);
  });

  it('sends the auth header and custom headers, and keeps the auth value out of messages', async () => {
    handler = (_u, _q, res) => json(res, { error: 'nope' }, 403);
    const e = await failure(
      src({ auth: { header: 'Authorization', value: 'Bearer s3cret' }, headers: { 'X-Tenant': 't1' } }),
    );
    expect(seen[0].headers.authorization).toBe('Bearer s3cret');
    expect(seen[0].headers['x-tenant']).toBe('t1');
    expect(e.message).not.toContain('s3cret');
  });

  it('redacts secret query parameters in locations and messages', async () => {
    handler = (_u, _q, res) => json(res, [{ id: 1 }]);
    const rows = await collect(
      src({ params: { api_key: 'k1', token: 't', mine: 'x', q: 'ok' }, secretParams: ['mine'] }),
    );
    expect(rows[0].at).toBe(`GET ${origin}/items?api_key=***&token=***&mine=***&q=ok page 1 record 1`);
    expect(seen[0].url.searchParams.get('api_key')).toBe('k1');
    expect(redactUrl(new URL('https://u:p@x.test/a?sig=1&b=2'))).toBe('https://x.test/a?sig=***&b=2');
  });
});

describe('pagination', () => {
  it('page: numbered pages until a short page', async () => {
    handler = (u, _q, res) => {
      const page = Number(u.searchParams.get('p'));
      json(res, { data: recs((page - 1) * 10 + 1, Math.min(10, 25 - (page - 1) * 10)) });
    };
    const s = src({
      recordPath: 'data',
      pagination: { mode: 'page', pageParam: 'p', sizeParam: 'size', pageSize: 10 },
    });
    const rows = await collect(s);
    expect(rows.map((r) => r.values.id)).toEqual(recs(1, 25).map((r) => r.id));
    expect(seen.map((r) => r.url.search)).toEqual(['?p=1&size=10', '?p=2&size=10', '?p=3&size=10']);
    expect(rows[24].at).toBe(`GET ${origin}/items?p=3&size=10 page 3 record 5`);
    expect(s.stats().pages).toBe(3);
  });

  it('page: stops on an empty page, from a chosen first page', async () => {
    handler = (u, _q, res) =>
      json(res, recs(Number(u.searchParams.get('page')) * 10, u.searchParams.get('page') === '2' ? 0 : 10));
    const rows = await collect(src({ pagination: { mode: 'page', firstPage: 0, pageSize: 10 } }));
    expect(rows).toHaveLength(20);
    expect(seen.map((r) => r.url.searchParams.get('page'))).toEqual(['0', '1', '2']);
  });

  it('offset: advances by the records received', async () => {
    handler = (u, _q, res) => {
      const offset = Number(u.searchParams.get('skip'));
      json(res, recs(offset + 1, Math.min(Number(u.searchParams.get('take')), 12 - offset)));
    };
    const rows = await collect(
      src({ pagination: { mode: 'offset', offsetParam: 'skip', limitParam: 'take', limit: 5 } }),
    );
    expect(rows.map((r) => r.values.id)).toEqual(recs(1, 12).map((r) => r.id));
    expect(seen.map((r) => r.url.search)).toEqual(['?skip=0&take=5', '?skip=5&take=5', '?skip=10&take=5']);
  });

  it('cursor: sends the next cursor until it is absent or null', async () => {
    const next: Record<string, string | null> = { '': 'c2', c2: 'c3', c3: null };
    handler = (u, _q, res) => {
      const c = u.searchParams.get('after') ?? '';
      json(res, { items: [{ id: c || 'first' }], meta: { next: next[c] } });
    };
    const rows = await collect(
      src({
        recordPath: 'items',
        params: { q: 1 },
        pagination: { mode: 'cursor', cursorParam: 'after', cursorPath: 'meta.next' },
      }),
    );
    expect(rows.map((r) => r.values.id)).toEqual(['first', 'c2', 'c3']);
    expect(seen.map((r) => r.url.search)).toEqual(['?q=1', '?q=1&after=c2', '?q=1&after=c3']);
  });

  it('next-link: follows a relative link from the body', async () => {
    handler = (u, _q, res) => {
      const n = Number(u.searchParams.get('n') ?? '1');
      json(res, { results: recs(n, 1), links: { next: n < 3 ? `/v2/items?n=${n + 1}` : null } });
    };
    const rows = await collect(
      src({ path: '/v1/items', recordPath: 'results', pagination: { mode: 'next-link', nextPath: 'links.next' } }),
    );
    expect(rows.map((r) => r.values.id)).toEqual([1, 2, 3]);
    expect(seen.map((r) => r.url.pathname + r.url.search)).toEqual(['/v1/items', '/v2/items?n=2', '/v2/items?n=3']);
  });

  it('next-link: follows the Link header, and sends auth only to the configured origin', async () => {
    handler = (u, _q, res) => {
      const n = Number(u.searchParams.get('n') ?? '1');
      const links = [`<${origin}/items?n=1>; rel="first"`];
      if (n === 1) links.push('<items?n=2>; rel="next"'); // relative to the page
      if (n === 2) links.push(`<${origin.replace('127.0.0.1', 'localhost')}/items?n=3>; rel=next`);
      json(res, recs(n, 2), 200, { link: links.join(', ') });
    };
    const rows = await collect(src({ pagination: { mode: 'next-link' }, auth: { header: 'X-Api-Key', value: 'k' } }));
    expect(rows.map((r) => r.values.id)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(seen.map((r) => r.headers['x-api-key'])).toEqual(['k', 'k', undefined]);
  });

  it('fails clearly when maxPages is exceeded', async () => {
    handler = (_u, _q, res) => json(res, { items: [{ id: 1 }], next: 'same' });
    const e = await failure(
      src({ recordPath: 'items', maxPages: 3, pagination: { mode: 'cursor', cursorPath: 'next' } }),
    );
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toMatch(/page 3: more pages follow but maxPages \(3\) is reached/);
    expect(seen).toHaveLength(3);
  });
});

describe('retries and failures', () => {
  it('honours Retry-After on 429 (capped), then succeeds', async () => {
    let calls = 0;
    handler = (_u, _q, res) =>
      ++calls === 1 ? json(res, { error: 'slow down' }, 429, { 'retry-after': '7' }) : json(res, recs(1, 2));
    const delays: number[] = [];
    const s = src({ onRetry: (i) => delays.push(i.delayMs) });
    expect(await collect(s)).toHaveLength(2);
    expect(delays).toEqual([20]); // 7 s asked, capped at maxRetryAfterMs
    expect(s.stats()).toMatchObject({ requests: 2, retries: 1, pages: 1 });
  });

  it('retries 500 twice, then succeeds', async () => {
    let calls = 0;
    handler = (_u, _q, res) => (++calls <= 2 ? res.writeHead(500).end('boom') : json(res, recs(1, 1)));
    const s = src({});
    expect(await collect(s)).toHaveLength(1);
    expect(s.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('gives up on a persistent 500 after maxRetries with status, URL and body excerpt', async () => {
    handler = (_u, _q, res) => res.writeHead(500).end('database is on fire\n'.repeat(100));
    const e = await failure(src({ maxRetries: 2, params: { api_key: 'hidden' } }));
    expect(isSluiceError(e) && e.code).toBe('SOURCE_FAILED');
    expect(e.message).toMatch(
      new RegExp(`^GET ${origin}/items\\?api_key=\\*\\*\\* failed after 3 attempts: HTTP 500: database is on fire`),
    );
    expect(e.message).not.toContain('hidden');
    expect(e.message.length).toBeLessThan(500);
    expect(seen).toHaveLength(3);
  });

  it('fails at once on 404', async () => {
    handler = (_u, _q, res) => json(res, { error: 'no such endpoint' }, 404);
    const e = await failure(src({}));
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toBe(`GET ${origin}/items failed: HTTP 404: {"error":"no such endpoint"}`);
    expect(seen).toHaveLength(1);
  });

  it('retries a timeout, then succeeds', async () => {
    let calls = 0;
    handler = (_u, _q, res) => {
      if (++calls > 1) json(res, recs(1, 1));
    };
    const s = src({ timeoutMs: 100 });
    expect(await collect(s)).toHaveLength(1);
    expect(s.stats()).toMatchObject({ requests: 2, retries: 1 });
  });

  it('fails after retrying timeouts, including a body that stalls', async () => {
    handler = (_u, _q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id":');
    };
    const e = await failure(src({ timeoutMs: 100, maxRetries: 1 }));
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toBe(`GET ${origin}/items failed after 2 attempts: timed out after 100 ms`);
  });

  it('retries network errors, then fails with the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(httpSource({ url: `http://127.0.0.1:${port}/x`, columns, maxRetries: 1, ...fast }));
    expect(e.message).toMatch(/failed after 2 attempts: .*ECONNREFUSED/);
  });

  it('reports a response that is not JSON, with the page', async () => {
    handler = (u, _q, res) =>
      u.searchParams.get('page') === '1' ? json(res, recs(1, 2)) : res.writeHead(200).end('<html>maintenance</html>');
    const e = await failure(src({ pagination: { mode: 'page', pageSize: 2 } }));
    expect(e.code).toBe('INPUT_MALFORMED');
    expect(e.message).toMatch(
      new RegExp(`^GET ${origin}/items\\?page=2&per_page=2 page 2: response is not JSON .*<html>maintenance</html>`),
    );
  });

  it('reports a response without an array at the record path', async () => {
    handler = (_u, _q, res) => json(res, { data: { items: { id: 1 } } });
    const e = await failure(src({ recordPath: 'data.items' }));
    expect(e.code).toBe('INPUT_MALFORMED');
    expect(e.message).toBe(`GET ${origin}/items page 1: no array at "data.items" of the response (found an object)`);
    handler = (_u, _q, res) => json(res, { data: [] });
    expect((await failure(src({}))).message).toMatch(/no array at the top level of the response \(found an object\)/);
  });

  it('rejects bad options as USAGE errors', () => {
    expect(() => httpSource({ url: '/relative', columns })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => src({ pagination: { mode: 'offset', limit: 0 } })).toThrow(/limit must be an integer >= 1/);
    expect(() => src({ pagination: { mode: 'sideways' } as never })).toThrow(/unknown pagination mode "sideways"/);
    expect(() => src({ maxRedirects: -1 })).toThrow(/maxRedirects must be an integer >= 0, got -1/);
  });
});

describe('consumer stopping early', () => {
  it('requests at most one page ahead, aborts it and finishes the iterator', async () => {
    handler = (u, _q, res) => json(res, recs(Number(u.searchParams.get('page')) * 100, 100));
    const s = src({ pagination: { mode: 'page', pageSize: 100 } });
    const it = s[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    await it.return!(undefined);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    // Page 2 was requested while page 1 was consumed; the stop aborted it (it may not have arrived).
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    const before = seen.length;
    let n = 0;
    for await (const _ of s) if (++n === 150) break;
    expect(seen.length - before).toBeGreaterThanOrEqual(2);
    expect(seen.length - before).toBeLessThanOrEqual(3);
    expect(s.stats()).toMatchObject({ pages: 2, records: 150 });
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 0 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(p, n, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(p, 3, () => 0)).toBe(200);
  });

  it('finds rel="next" in a Link header', () => {
    expect(nextFromLinkHeader('<a?p=1>; rel="prev", <a?p=3>; rel="next last"')).toBe('a?p=3');
    expect(nextFromLinkHeader('<a?p=1>; rel=prev')).toBeUndefined();
  });
});
