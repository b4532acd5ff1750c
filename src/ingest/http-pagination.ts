import { SluiceError } from '../errors/errors';

/**
 * How an HTTP source walks from one page to the next. Each mode is a small state machine: given
 * what the last page returned, the URL of the next page, or undefined when it was the last.
 */
export type Pagination =
  | { readonly mode: 'none' }
  /** `?page=1&per_page=100`, … ; stops on an empty page, or a short one when `pageSize` is known. */
  | {
      readonly mode: 'page';
      readonly pageParam?: string;
      readonly sizeParam?: string;
      readonly pageSize?: number;
      readonly firstPage?: number;
    }
  /** `?offset=0&limit=100`, … ; the offset advances by the records received, stops on an empty or short page. */
  | { readonly mode: 'offset'; readonly offsetParam?: string; readonly limitParam?: string; readonly limit: number }
  /** The next cursor is read from `cursorPath` in the body and sent as `cursorParam`; stops when absent, null or ''. */
  | { readonly mode: 'cursor'; readonly cursorParam?: string; readonly cursorPath: string }
  /** The next URL is read from `nextPath` in the body, or from the `Link: <…>; rel="next"` header when no path is given. */
  | { readonly mode: 'next-link'; readonly nextPath?: string };

export interface PageResult {
  readonly url: URL;
  readonly body: unknown;
  readonly headers: Headers;
  readonly records: number;
  /** `GET <url> page 3`, for messages. */
  readonly where: string;
}

export interface Paginator {
  readonly first: URL;
  next(page: PageResult): URL | undefined;
}

export function paginator(base: URL, p: Pagination): Paginator {
  switch (p.mode) {
    case 'none':
      return { first: base, next: () => undefined };
    case 'page': {
      const pageParam = p.pageParam ?? 'page';
      const sizeParam = p.sizeParam ?? 'per_page';
      let n = p.firstPage ?? 1;
      const at = (page: number) =>
        withParams(base, { [pageParam]: String(page), ...(p.pageSize ? { [sizeParam]: String(p.pageSize) } : {}) });
      return {
        first: at(n),
        next: (r) => (r.records === 0 || (p.pageSize !== undefined && r.records < p.pageSize) ? undefined : at(++n)),
      };
    }
    case 'offset': {
      const offsetParam = p.offsetParam ?? 'offset';
      const limitParam = p.limitParam ?? 'limit';
      let offset = 0;
      const at = () => withParams(base, { [offsetParam]: String(offset), [limitParam]: String(p.limit) });
      return {
        first: at(),
        next: (r) => {
          if (r.records === 0 || r.records < p.limit) return undefined;
          offset += r.records; // not `limit`: a server that caps the limit lower must not make us skip rows
          return at();
        },
      };
    }
    case 'cursor': {
      const cursorParam = p.cursorParam ?? 'cursor';
      return {
        first: base,
        next: (r) => {
          const c = valueAtPath(r.body, p.cursorPath);
          if (c === undefined || c === null || c === '') return undefined;
          if (typeof c !== 'string' && typeof c !== 'number') {
            throw new SluiceError(
              'INPUT_MALFORMED',
              `${r.where}: the cursor at "${p.cursorPath}" is ${describe(c)}, not a string or number`,
            );
          }
          return withParams(base, { [cursorParam]: String(c) });
        },
      };
    }
    case 'next-link':
      return {
        first: base,
        next: (r) => {
          const link =
            p.nextPath !== undefined ? valueAtPath(r.body, p.nextPath) : nextFromLinkHeader(r.headers.get('link'));
          if (link === undefined || link === null || link === '') return undefined;
          if (typeof link !== 'string') {
            throw new SluiceError(
              'INPUT_MALFORMED',
              `${r.where}: the next link at "${p.nextPath}" is ${describe(link)}, not a string`,
            );
          }
          try {
            return new URL(link, r.url); // relative links resolve against the page that gave them
          } catch {
            throw new SluiceError('INPUT_MALFORMED', `${r.where}: the next link ${JSON.stringify(link)} is not a URL`);
          }
        },
      };
    default:
      throw new SluiceError('USAGE', `unknown pagination mode ${JSON.stringify((p as { mode: unknown }).mode)}`);
  }
}

/** `data.items` → body.data.items; '' → the body itself. */
export function valueAtPath(body: unknown, path: string): unknown {
  if (path === '') return body;
  let v = body;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextFromLinkHeader(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return m[1];
  }
  return undefined;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function withParams(base: URL, params: Record<string, string>): URL {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u;
}
