import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestsFrom } from '../../src/ingest/http-credentials';
import { httpSource, type HttpSourceOptions, type WithheldInfo } from '../../src/ingest/http-source';
import { collect, failure } from '../support/iterables';

/**
 * The credentials an HTTP source is configured with reach the configured origin only, whichever way
 * a request is re-sent: redirects, next links, retries, every pagination mode. Two loopback servers on
 * different ports are two origins.
 */

type Handler = (url: URL, res: http.ServerResponse) => void;
interface Origin {
  url: string;
  seen: { url: URL; headers: http.IncomingHttpHeaders }[];
  handler: Handler;
  server: http.Server;
}

async function origin(): Promise<Origin> {
  const o = { seen: [], handler: () => undefined } as unknown as Origin;
  o.server = http.createServer((req, res) => {
    const url = new URL(req.url!, o.url);
    o.seen.push({ url, headers: req.headers });
    o.handler(url, res);
  });
  await new Promise<void>((resolve) => o.server.listen(0, '127.0.0.1', resolve));
  o.url = `http://127.0.0.1:${(o.server.address() as AddressInfo).port}`;
  return o;
}

let api: Origin;
let other: Origin;
beforeAll(async () => {
  api = await origin();
  other = await origin();
});
beforeEach(() => {
  for (const o of [api, other]) {
    o.seen = [];
    o.handler = (_u, res) => json(res, []);
  }
});
afterAll(async () => {
  for (const o of [api, other]) {
    o.server.closeAllConnections();
    await new Promise((r) => o.server.close(r));
  }
});

const KEY = 'key-7f3a9c21';
const TOKEN = 'tok-5b8e2d44';
const QUERY_KEY = 'qk-19c7e0aa';
const columns = [{ name: 'id', type: 'integer' as const }];
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 } };

function json(res: http.ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
function redirect(res: http.ServerResponse, to: string, status = 302): void {
  res.writeHead(status, { location: to }).end('moved');
}

/** A source with every kind of credential: an auth header, a custom credential header, a plain custom header, a query key. */
function src(o: Partial<HttpSourceOptions> & { path?: string } = {}) {
  const notices: WithheldInfo[] = [];
  const source = httpSource({
    url: api.url + (o.path ?? '/items'),
    columns,
    ...fast,
    auth: { header: 'X-Api-Key', value: KEY },
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-Tenant': 'acme' },
    params: { api_key: QUERY_KEY },
    onWithheld: (i) => notices.push(i),
    ...o,
  });
  return Object.assign(source, { notices });
}

/** Every request `o` received carried all configured credentials. */
function expectCredentials(o: Origin): void {
  expect(o.seen.length).toBeGreaterThan(0);
  for (const r of o.seen) {
    expect(r.headers['x-api-key']).toBe(KEY);
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers['x-tenant']).toBe('acme');
  }
}

/** No request `o` received carried any configured header, nor any secret anywhere in its URL or headers. */
function expectNoCredentials(o: Origin): void {
  expect(o.seen.length).toBeGreaterThan(0);
  for (const r of o.seen) {
    expect(r.headers['x-api-key']).toBeUndefined();
    expect(r.headers.authorization).toBeUndefined();
    expect(r.headers['x-tenant']).toBeUndefined();
    expect(r.headers.accept).toBe('application/json');
    const everything = r.url.toString() + JSON.stringify(r.headers);
    for (const secret of [KEY, TOKEN, QUERY_KEY]) expect(everything).not.toContain(secret);
  }
}

const ALL_WITHHELD = ['authorization', 'x-tenant', 'x-api-key'];

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %d to another origin arrives there without any configured credential, and the notice names both URLs',
    async (status) => {
      api.handler = (_u, res) => redirect(res, `${other.url}/export?api_key=${QUERY_KEY}&part=1`, status);
      other.handler = (_u, res) => json(res, [{ id: 1 }, { id: 2 }]);
      const s = src();
      expect((await collect(s)).map((r) => r.values.id)).toEqual([1, 2]);
      expectCredentials(api);
      expect(api.seen[0].url.searchParams.get('api_key')).toBe(QUERY_KEY);
      expectNoCredentials(other);
      expect(other.seen[0].url.searchParams.get('part')).toBe('1'); // the rest of the URL as the server gave it
      expect(s.notices).toEqual([
        {
          via: 'redirect',
          home: api.url,
          from: `${api.url}/items?api_key=***`,
          to: `${other.url}/export?api_key=***&part=1`,
          withheld: [...ALL_WITHHELD, 'query parameter api_key'],
        },
      ]);
    },
  );

  it('a redirect within the origin keeps every credential', async () => {
    api.handler = (u, res) => (u.pathname === '/items' ? redirect(res, '/v2/items', 307) : json(res, [{ id: 7 }]));
    const s = src();
    expect((await collect(s)).map((r) => r.values.id)).toEqual([7]);
    expect(api.seen.map((r) => r.url.pathname)).toEqual(['/items', '/v2/items']);
    expectCredentials(api);
    expect(s.notices).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it('a chain that leaves the origin and comes back: only the configured origin ever gets the credentials', async () => {
    api.handler = (u, res) => (u.pathname === '/items' ? redirect(res, `${other.url}/hop`) : json(res, [{ id: 3 }]));
    other.handler = (_u, res) => redirect(res, `${api.url}/final`);
    expect((await collect(src())).map((r) => r.values.id)).toEqual([3]);
    expectNoCredentials(other);
    expect(api.seen.map((r) => r.url.pathname)).toEqual(['/items', '/final']);
    expect(api.seen[1].headers['x-api-key']).toBe(KEY);
  });

  it('a relative next link on a page served by the other origin resolves there, and gets no credentials', async () => {
    api.handler = (_u, res) => redirect(res, `${other.url}/p1`);
    other.handler = (u, res) =>
      json(res, { items: [{ id: u.pathname === '/p1' ? 1 : 2 }], next: u.pathname === '/p1' ? '/p2' : null });
    const s = src({ recordPath: 'items', pagination: { mode: 'next-link', nextPath: 'next' } });
    expect((await collect(s)).map((r) => r.values.id)).toEqual([1, 2]);
    expect(other.seen.map((r) => r.url.pathname)).toEqual(['/p1', '/p2']);
    expectNoCredentials(other);
    expect(api.seen).toHaveLength(1);
  });

  it('more redirects than maxRedirects fail, naming the page URL and the next hop', async () => {
    api.handler = (u, res) => redirect(res, `/loop?n=${Number(u.searchParams.get('n') ?? 0) + 1}`);
    const e = await failure(src({ maxRedirects: 3 }));
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toBe(
      `GET ${api.url}/items?api_key=*** (redirected to ${api.url}/loop?n=3) failed: more than 3 redirects ` +
        `(the next to ${api.url}/loop?n=4); raise maxRedirects if the API really needs that many, else its redirects loop`,
    );
    expect(api.seen).toHaveLength(4); // not retried: a loop stays a loop
  });

  it('a redirect without a Location, or to another scheme, fails at once with the URL', async () => {
    api.handler = (_u, res) => res.writeHead(302).end();
    const e = await failure(src());
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toBe(`GET ${api.url}/items?api_key=*** failed: HTTP 302 redirect without a Location header`);
    api.handler = (_u, res) => redirect(res, 'file:///etc/passwd');
    expect((await failure(src())).message).toMatch(
      /HTTP 302 redirect to a file: URL; only http and https are followed$/,
    );
  });

  it('an error status after a redirect names where it was redirected to', async () => {
    api.handler = (_u, res) => redirect(res, `${other.url}/gone`);
    other.handler = (_u, res) => json(res, { error: 'no' }, 401);
    const e = await failure(src());
    expect(e.message).toBe(
      `GET ${api.url}/items?api_key=*** failed: redirected to ${other.url}/gone: HTTP 401: {"error":"no"}`,
    );
    expectNoCredentials(other);
  });
});

describe('next links', () => {
  it('a next link in the body to another origin is requested without the credentials', async () => {
    api.handler = (_u, res) =>
      json(res, { items: [{ id: 1 }], next: `${other.url}/items?page=2&api_key=${QUERY_KEY}` });
    other.handler = (_u, res) => json(res, { items: [{ id: 2 }], next: null });
    const s = src({ recordPath: 'items', pagination: { mode: 'next-link', nextPath: 'next' } });
    expect((await collect(s)).map((r) => r.values.id)).toEqual([1, 2]);
    expectCredentials(api);
    expectNoCredentials(other);
    expect(other.seen[0].url.searchParams.get('page')).toBe('2');
    expect(s.notices).toEqual([
      {
        via: 'next link',
        home: api.url,
        from: `${api.url}/items?api_key=***`,
        to: `${other.url}/items?page=2&api_key=***`,
        withheld: [...ALL_WITHHELD, 'query parameter api_key'],
      },
    ]);
  });

  it('a Link header to another origin: the same; the notice comes once per origin, not per page', async () => {
    api.handler = (_u, res) => json(res, [{ id: 1 }], 200, { link: `<${other.url}/items?n=2>; rel="next"` });
    other.handler = (u, res) => {
      const n = Number(u.searchParams.get('n'));
      json(res, [{ id: n }], 200, n < 4 ? { link: `</items?n=${n + 1}>; rel="next"` } : {});
    };
    const s = src({ pagination: { mode: 'next-link' } });
    expect((await collect(s)).map((r) => r.values.id)).toEqual([1, 2, 3, 4]);
    expect(other.seen).toHaveLength(3);
    expectNoCredentials(other);
    expect(s.notices.map((n) => [n.via, n.to])).toEqual([['next link', `${other.url}/items?n=2`]]);
  });
});

describe('every pagination mode', () => {
  const modes: [string, Partial<HttpSourceOptions>][] = [
    ['page', { pagination: { mode: 'page', pageSize: 1 } }],
    ['offset', { pagination: { mode: 'offset', limit: 1 } }],
    ['cursor', { pagination: { mode: 'cursor', cursorPath: 'next' }, recordPath: 'items' }],
  ];
  it.each(modes)(
    '%s: page 2 redirected to another origin gets no credentials; the pages at the origin keep them',
    async (mode, o) => {
      const pageOf = (u: URL) =>
        Number(
          u.searchParams.get('page') ??
            (u.searchParams.has('offset')
              ? Number(u.searchParams.get('offset')) + 1
              : (u.searchParams.get('cursor') ?? 1)),
        );
      const body = (n: number) =>
        mode === 'cursor'
          ? { items: n <= 3 ? [{ id: n }] : [], next: n < 3 ? String(n + 1) : null }
          : n <= 3
            ? [{ id: n }]
            : [];
      api.handler = (u, res) =>
        pageOf(u) === 2 ? redirect(res, `${other.url}/mirror${u.search}`) : json(res, body(pageOf(u)));
      other.handler = (u, res) => json(res, body(pageOf(u)));
      const s = src(o);
      expect((await collect(s)).map((r) => r.values.id)).toEqual([1, 2, 3]);
      expectCredentials(api);
      expect(api.seen.map((r) => pageOf(r.url))).toEqual(mode === 'cursor' ? [1, 2, 3] : [1, 2, 3, 4]);
      expect(other.seen.map((r) => pageOf(r.url))).toEqual([2]);
      expectNoCredentials(other);
      expect(s.notices.map((n) => n.via)).toEqual(['redirect']);
    },
  );
});

describe('retries', () => {
  it('a retry after 503 at the origin sends the credentials again, to the origin only', async () => {
    let calls = 0;
    api.handler = (_u, res) => (++calls === 1 ? json(res, { error: 'busy' }, 503) : json(res, [{ id: 1 }]));
    const s = src();
    expect(await collect(s)).toHaveLength(1);
    expect(s.stats()).toMatchObject({ requests: 2, retries: 1 });
    expect(api.seen).toHaveLength(2);
    expectCredentials(api);
    expect(other.seen).toEqual([]);
  });

  it('a 429 from the other origin after a redirect: each retry starts at the origin, the other origin never gets them', async () => {
    let calls = 0;
    api.handler = (_u, res) => redirect(res, `${other.url}/cdn/items`);
    other.handler = (_u, res) =>
      ++calls <= 2 ? json(res, { error: 'slow down' }, 429, { 'retry-after': '0' }) : json(res, [{ id: 9 }]);
    const retries: string[] = [];
    const s = src({ onRetry: (i) => retries.push(i.reason) });
    expect((await collect(s)).map((r) => r.values.id)).toEqual([9]);
    expect(api.seen).toHaveLength(3);
    expectCredentials(api);
    expect(other.seen).toHaveLength(3);
    expectNoCredentials(other);
    expect(retries[0]).toBe(`redirected to ${other.url}/cdn/items: HTTP 429: {"error":"slow down"}`);
    expect(s.notices).toHaveLength(1);
  });
});

describe('which destinations are another origin', () => {
  const home = new URL('https://api.example.test/v1/items');
  const requestFor = requestsFrom(home, { auth: { header: 'X-Api-Key', value: KEY }, headers: { 'X-Tenant': 'acme' } });
  it.each([
    ['http://api.example.test/v1/items', 'a downgrade from https to http'],
    ['https://api.example.test:8443/v1/items', 'another port'],
    ['https://cdn.example.test/v1/items', 'another host'],
    ['https://example.test/v1/items', 'the parent domain'],
  ])('%s (%s) gets no credentials', (url) => {
    const out = requestFor(new URL(url));
    expect(out.headers).toEqual({ accept: 'application/json' });
    expect(out.withheld).toEqual(['x-tenant', 'x-api-key']);
  });
  it('the same origin, written with its default port, keeps them', () => {
    expect(requestFor(new URL('https://api.example.test:443/v2/other')).headers).toEqual({
      accept: 'application/json',
      'X-Tenant': 'acme',
      'X-Api-Key': KEY,
    });
  });
});
